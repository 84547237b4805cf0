package dev.anneal.infer;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from the last row of logits, in transformers' order: repetition penalty,
 * temperature, top-k, top-p, then a draw from the renormalised distribution (or the argmax when
 * greedy). In Java on the host, with a generator seeded from the settings: the same seed and the
 * same logits give the same tokens.
 */
public final class Sampler {
  private final SamplingSettings settings;
  private final SplittableRandom random;

  public Sampler(SamplingSettings settings) {
    this.settings = settings;
    this.random = new SplittableRandom(settings.seed());
  }

  /**
   * @param logits (V) scores of the next token; not modified
   * @param seen token ids already in the prompt and output (for the repetition penalty)
   */
  public int next(float[] logits, int[] seen) {
    double[] x = new double[logits.length];
    for (int i = 0; i < x.length; i++) x[i] = logits[i];
    if (settings.repetitionPenalty() != 1) penalise(x, seen, settings.repetitionPenalty());
    if (settings.isGreedy()) return argmax(x);
    for (int i = 0; i < x.length; i++) x[i] /= settings.temperature();
    Integer[] order = candidates(x);
    return draw(x, order);
  }

  static void penalise(double[] x, int[] seen, double penalty) {
    boolean[] done = new boolean[x.length];
    for (int id : seen) {
      if (id < 0 || id >= x.length || done[id]) continue;
      done[id] = true;
      x[id] = x[id] > 0 ? x[id] / penalty : x[id] * penalty;
    }
  }

  /** The first index of the largest value (as torch.argmax). */
  public static int argmax(double[] x) {
    int best = 0;
    for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
    return best;
  }

  /** Token ids that survive top-k and top-p, likeliest first. */
  private Integer[] candidates(double[] x) {
    Integer[] order = new Integer[x.length];
    for (int i = 0; i < order.length; i++) order[i] = i;
    // Stable sort: ties keep id order, so the result does not depend on the sort's internals.
    Arrays.sort(order, (a, b) -> Double.compare(x[b], x[a]));
    int keep = x.length;
    if (settings.topK() > 0) keep = Math.min(keep, settings.topK());
    if (settings.topP() < 1) {
      double[] p = softmax(x, order, keep);
      double cumulative = 0;
      int n = 0;
      while (n < keep) {
        cumulative += p[n++];
        if (cumulative >= settings.topP()) break;
      }
      keep = Math.max(1, n);
    }
    return Arrays.copyOf(order, keep);
  }

  /** Probabilities of the first {@code n} ids of {@code order} under softmax over just those. */
  private static double[] softmax(double[] x, Integer[] order, int n) {
    double max = x[order[0]];
    double[] p = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      p[i] = Math.exp(x[order[i]] - max);
      sum += p[i];
    }
    for (int i = 0; i < n; i++) p[i] /= sum;
    return p;
  }

  private int draw(double[] x, Integer[] kept) {
    double[] p = softmax(x, kept, kept.length);
    double u = random.nextDouble();
    double cumulative = 0;
    for (int i = 0; i < p.length; i++) {
      cumulative += p[i];
      if (u < cumulative) return kept[i];
    }
    return kept[kept.length - 1];
  }
}
