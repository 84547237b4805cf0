package dev.anneal.train;

import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.RunEvent;

/**
 * What a running trainer reports, on its own thread. Implementations must be quick and thread-safe;
 * the studio keeps the latest values and draws them once a frame.
 */
public interface TrainingListener {
  TrainingListener NONE = new TrainingListener() {};

  /** A logged training step or an evaluation. */
  default void onMetric(MetricPoint point) {}

  /** A NaN skip, rollback, checkpoint, band crossing, resume, start or stop. */
  default void onEvent(RunEvent event) {}

  /** Progress through the run: steps done of all, and seconds left (-1 while unknown). */
  default void onProgress(long step, long steps, double etaSeconds) {}

  /** One line for a log pane (also written to stderr by the CLI). */
  default void onLog(String line) {}
}
