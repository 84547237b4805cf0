package dev.anneal.sweep;

import java.util.Map;

/**
 * One run of a sweep, as sweep.json records it.
 *
 * @param index 0-based position in the grid
 * @param settings the grid's values for this run, field to value as written
 * @param run its run folder once started, else null
 * @param status pending, running, completed, stopped, cancelled or failed
 * @param bestValLoss lowest validation loss, NaN before any
 * @param finalLoss training loss of the last step, NaN before any
 * @param seconds training time, 0 before it ran
 * @param error why it failed, or null
 */
public record SweepRun(
    int index,
    Map<String, String> settings,
    String run,
    String status,
    double bestValLoss,
    double finalLoss,
    double seconds,
    String error) {

  public SweepRun {
    settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
  }

  public static SweepRun pending(int index, Map<String, String> settings) {
    return new SweepRun(index, settings, null, "pending", Double.NaN, Double.NaN, 0, null);
  }

  public boolean done() {
    return status.equals("completed");
  }

  public SweepRun started(String runDir) {
    return new SweepRun(index, settings, runDir, "running", bestValLoss, finalLoss, seconds, null);
  }

  public SweepRun ended(String status, double best, double last, double secs, String why) {
    return new SweepRun(index, settings, run, status, best, last, secs, why);
  }
}
