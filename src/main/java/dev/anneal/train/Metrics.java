package dev.anneal.train;

import dev.anneal.metrics.Durations;
import dev.anneal.metrics.MetricPoint;
import java.util.List;
import java.util.Locale;

/** Builds the trainer's metric points and its one-line log. */
final class Metrics {
  private Metrics() {}

  static MetricPoint trainPoint(
      TrainerState s,
      StepRunner.Outcome out,
      double lr,
      double tps,
      double mfu,
      double epoch,
      long deviceBytes,
      long hostBytes,
      Double cost) {
    List<List<Double>> load = null;
    List<Double> entropy = null;
    if (!out.routing().isEmpty()) {
      load =
          out.routing().stream()
              .map(
                  r -> {
                    Double[] row = new Double[r.load().length];
                    for (int e = 0; e < row.length; e++) row[e] = (double) r.load()[e];
                    return List.of(row);
                  })
              .toList();
      entropy = out.routing().stream().map(r -> (double) r.entropy()).toList();
    }
    return new MetricPoint(
        s.step(),
        s.tokens(),
        epoch,
        out.loss(),
        null,
        null,
        lr,
        out.gradNorm(),
        tps,
        mfu,
        deviceBytes < 0 ? null : deviceBytes,
        hostBytes,
        load,
        entropy,
        cost,
        null);
  }

  /**
   * "step 100/2000 · loss 3.2104 · lr 1.00e-03 · grad 0.84 · 7,900 tok/s · mfu 12.3% · mem 1.2 GB ·
   * eta 3m 12s" (mem: the device's peak so far; on a CPU the process's).
   */
  static String line(MetricPoint p, long steps, double eta) {
    return String.format(
        Locale.ROOT,
        "step %d/%d · loss %.4f · lr %.2e · grad %.2f · %,.0f tok/s · mfu %.1f%%%s%s%s",
        p.step(),
        steps,
        p.loss(),
        p.lr(),
        p.gradNorm(),
        p.tokensPerS(),
        100 * p.mfu(),
        p.deviceMemBytes() == null
            ? ""
            : String.format(Locale.ROOT, " · mem %.1f GB", p.deviceMemBytes() / 1e9),
        p.cost() == null
            ? ""
            : String.format(
                Locale.ROOT,
                " · $%.2f of ~$%.2f",
                p.cost(),
                p.step() == 0 ? 0 : p.cost() * steps / p.step()),
        eta < 0 ? "" : " · eta " + Durations.of(eta));
  }
}
