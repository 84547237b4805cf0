package dev.anneal.infer;

import java.util.Locale;

/**
 * How much lower the tuned model's figure is than the base's, in percent of the base, as seed 001's
 * evaluation prints it: loss 2.3451 → 1.8923 is "Loss improvement: +19.31%" (its README shows
 * +19.32% from unrounded losses). Positive is better; negative means tuning hurt.
 */
public final class Improvement {
  private Improvement() {}

  public static double percent(double base, double tuned) {
    return (base - tuned) / base * 100;
  }

  /** "+19.31%" or "-3.05%". */
  public static String format(double percent) {
    return String.format(Locale.ROOT, "%+.2f%%", percent);
  }
}
