package dev.anneal.train;

/**
 * The stability rules of seeds 002–004: skip updates whose loss or gradient is not finite; call a
 * loss above {@code factor} × the running mean a spike (after a settling period); sort the gradient
 * norm into bands — healthy below 5, warning 5–10, critical above 10 — and report when it moves
 * between them.
 */
public final class StabilityGuard {
  /** Gradient-norm bands of seed 004. */
  public enum Band {
    HEALTHY,
    WARNING,
    CRITICAL;

    static Band of(double norm) {
      return norm > 10 ? CRITICAL : norm >= 5 ? WARNING : HEALTHY;
    }
  }

  private static final double DECAY = 0.95;
  private static final int SETTLE_STEPS = 20;

  private final double spikeFactor;
  private Band band = Band.HEALTHY;
  private int seen;

  public StabilityGuard(double spikeFactor) {
    this.spikeFactor = spikeFactor;
  }

  /** Whether an update with this loss and gradient norm must be skipped. */
  public static boolean nonFinite(double loss, double gradNorm) {
    return !Double.isFinite(loss) || !Double.isFinite(gradNorm);
  }

  /** Whether the loss is a spike against the running mean (never in the first steps). */
  public boolean isSpike(double loss, double average) {
    return seen >= SETTLE_STEPS && Double.isFinite(average) && loss > spikeFactor * average;
  }

  /** The running mean after this loss (an exponential mean, seeded by the first loss). */
  public double average(double previous, double loss) {
    seen++;
    return Double.isNaN(previous) ? loss : DECAY * previous + (1 - DECAY) * loss;
  }

  /** The new band when the norm left the previous one, else null. */
  public Band crossing(double gradNorm) {
    Band now = Band.of(gradNorm);
    if (now == band) return null;
    band = now;
    return now;
  }

  /** Restart the settling period (after a rollback or a resume). */
  public void resetSettling(int alreadySeen) {
    seen = alreadySeen;
  }
}
