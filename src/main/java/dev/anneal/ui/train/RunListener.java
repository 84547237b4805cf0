package dev.anneal.ui.train;

import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.RunEvent;
import dev.anneal.train.TrainingListener;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Hands a training run's callbacks (on its worker thread) to the Train view's batched consumers,
 * and the run folder the trainer names in its start event to {@code runFolder}.
 */
record RunListener(
    Consumer<MetricPoint> points,
    Consumer<RunEvent> events,
    Consumer<Path> runFolder,
    Progress progress,
    Consumer<String> logs)
    implements TrainingListener {

  /** The step reached, of how many, and the seconds left (-1 while unknown). */
  interface Progress {
    void at(long step, long steps, double etaSeconds);
  }

  @Override
  public void onMetric(MetricPoint point) {
    points.accept(point);
  }

  @Override
  public void onEvent(RunEvent e) {
    events.accept(e);
    if (e.kind().equals(RunEvent.START) && e.details().get("run") != null) {
      runFolder.accept(Path.of(e.details().get("run").toString()));
    }
  }

  @Override
  public void onProgress(long step, long steps, double etaSeconds) {
    progress.at(step, steps, etaSeconds);
  }

  @Override
  public void onLog(String line) {
    logs.accept(line);
  }
}
