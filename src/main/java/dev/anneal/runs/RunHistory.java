package dev.anneal.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.preset.Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's curves and end figures, read from its folder: training and validation loss and the
 * learning rate by step and by tokens ({@code metrics.jsonl}), its preset, status and training time
 * (the newest checkpoint's trainer state).
 *
 * @param trainLoss training loss at each logged step
 * @param valLoss validation loss at each evaluation; tokens taken from the training log of the same
 *     step (evaluations do not carry them)
 * @param lr learning rate at each logged step
 * @param bestValLoss lowest validation loss, NaN before the first evaluation
 * @param finalLoss training loss of the last logged step, NaN if none
 * @param finalValLoss validation loss of the last evaluation, NaN if none
 * @param seconds training time across restarts, NaN without a checkpoint
 */
public record RunHistory(
    Path dir,
    String name,
    Preset preset,
    String status,
    long steps,
    long step,
    List<Point> trainLoss,
    List<Point> valLoss,
    List<Point> lr,
    double bestValLoss,
    double finalLoss,
    double finalValLoss,
    double seconds) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One value of a curve at a step, with the training tokens seen by then (-1 if unknown). */
  public record Point(long step, long tokens, double value) {
    /** The x of this point: its step, or its tokens. */
    public double x(boolean byTokens) {
      return byTokens ? tokens : step;
    }
  }

  /** Reads a run folder; one line naming the folder when it is not a run. */
  public static RunHistory read(Path dir) throws IOException {
    RunFolder run = RunFolder.open(dir);
    Preset preset;
    try {
      preset = run.preset();
    } catch (RuntimeException e) {
      throw new IOException(dir.resolve(RunFolder.PRESET) + ": " + e.getMessage(), e);
    }
    Path metricsFile = dir.resolve(MetricsLog.METRICS_FILE);
    List<MetricPoint> points =
        Files.isRegularFile(metricsFile) ? MetricsLog.readMetrics(metricsFile) : List.of();
    // A resumed run logs again the steps after its checkpoint: the later line wins.
    Map<Long, MetricPoint> train = new TreeMap<>();
    Map<Long, MetricPoint> eval = new TreeMap<>();
    for (MetricPoint p : points) {
      if (p.loss() != null) train.put(p.step(), p);
      if (p.isEval()) eval.put(p.step(), p);
    }
    List<Point> loss = new ArrayList<>();
    List<Point> lr = new ArrayList<>();
    for (MetricPoint p : train.values()) {
      long tokens = p.tokens() == null ? -1 : p.tokens();
      loss.add(new Point(p.step(), tokens, p.loss()));
      if (p.lr() != null) lr.add(new Point(p.step(), tokens, p.lr()));
    }
    List<Point> val = new ArrayList<>();
    double best = Double.NaN;
    for (MetricPoint p : eval.values()) {
      MetricPoint same = train.get(p.step());
      long tokens = same == null || same.tokens() == null ? -1 : same.tokens();
      val.add(new Point(p.step(), tokens, p.valLoss()));
      if (Double.isNaN(best) || p.valLoss() < best) best = p.valLoss();
    }
    long step =
        Math.max(
            loss.isEmpty() ? 0 : loss.getLast().step(), val.isEmpty() ? 0 : val.getLast().step());
    return new RunHistory(
        dir,
        run.get("name") == null ? dir.getFileName().toString() : run.get("name"),
        preset,
        run.status(),
        plannedSteps(run, preset),
        step,
        List.copyOf(loss),
        List.copyOf(val),
        List.copyOf(lr),
        best,
        loss.isEmpty() ? Double.NaN : loss.getLast().value(),
        val.isEmpty() ? Double.NaN : val.getLast().value(),
        seconds(dir));
  }

  /** The steps run.json planned (a --steps override), else the preset's. */
  private static long plannedSteps(RunFolder run, Preset preset) {
    try {
      return run.get("steps") != null
          ? Long.parseLong(run.get("steps"))
          : preset.training().steps();
    } catch (NumberFormatException e) {
      return preset.training().steps();
    }
  }

  /** Training time of the newest checkpoint (or best/), NaN without one. */
  static double seconds(Path dir) {
    try {
      var latest = RunFolder.checkpoints(dir).stream().reduce((a, b) -> b);
      Path state = latest.orElse(dir.resolve(RunFolder.BEST)).resolve(RunFolder.TRAINER_STATE);
      if (!Files.isRegularFile(state)) return Double.NaN;
      JsonNode n = JSON.readTree(state.toFile());
      return n.path("elapsedSeconds").asDouble(Double.NaN);
    } catch (IOException e) {
      return Double.NaN;
    }
  }
}
