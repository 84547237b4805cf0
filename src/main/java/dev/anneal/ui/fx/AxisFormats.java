package dev.anneal.ui.fx;

import java.util.Locale;
import javafx.util.StringConverter;

/** Tick labels that read as what the axis counts. */
public final class AxisFormats {
  private AxisFormats() {}

  /**
   * Whole numbers (steps, tokens, counts): "4", not "4.0"; ticks that fall between whole numbers
   * (2.5 on a short run) get no label.
   */
  public static StringConverter<Number> wholeNumbers() {
    return converter(
        v -> {
          double d = v.doubleValue();
          return d == Math.rint(d) ? String.format(Locale.ROOT, "%,d", (long) d) : "";
        });
  }

  /**
   * Small quantities such as learning rates, in short scientific form ("1.5e-3") so neighbouring
   * labels stay apart; zero is "0".
   */
  public static StringConverter<Number> scientific() {
    return converter(
        v -> {
          double d = v.doubleValue();
          if (d == 0) return "0";
          String s = String.format(Locale.ROOT, "%.1e", d);
          // 1.5e-03 → 1.5e-3
          return s.replaceFirst("e([-+])0*(\\d)", "e$1$2").replace("e+", "e");
        });
  }

  private static StringConverter<Number> converter(
      java.util.function.Function<Number, String> format) {
    return new StringConverter<>() {
      @Override
      public String toString(Number n) {
        return n == null ? "" : format.apply(n);
      }

      @Override
      public Number fromString(String s) {
        return Double.valueOf(s);
      }
    };
  }
}
