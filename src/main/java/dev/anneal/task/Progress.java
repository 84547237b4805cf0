package dev.anneal.task;

import java.util.Map;

/**
 * A snapshot of long work for listeners: what stage it is in, how far along, and named counts
 * (files, samples, tokens ...). Plain data, so the UI can keep the latest and draw once a frame.
 *
 * @param stage short name of the current stage ("scan", "extract", "tokenize" ...)
 * @param done units finished in this stage
 * @param total units in this stage, or -1 when unknown
 * @param counts named running counts
 * @param etaSeconds estimated seconds left, or -1 when unknown
 */
public record Progress(
    String stage, long done, long total, Map<String, Long> counts, double etaSeconds) {

  public Progress {
    counts = Map.copyOf(counts);
  }

  /** Fraction done in [0, 1], or -1 when the total is unknown. */
  public double fraction() {
    return total > 0 ? Math.min(1.0, (double) done / total) : -1;
  }
}
