package dev.anneal.ui.preset;

import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.preset.Preset;
import dev.anneal.runs.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * Training speed measured on this machine: the median tokens/s over the last logged steps of the
 * newest run in the workspace that trained the same model with the same micro batch and sequence
 * length. A time estimate from it beats one from an assumed utilisation.
 */
final class MeasuredSpeed {
  /** Steps at the end of a run whose speeds are used (the first steps include warm-up). */
  static final int LAST = 50;

  private MeasuredSpeed() {}

  static OptionalDouble of(Path runsDir, Preset preset) {
    if (runsDir == null || !Files.isDirectory(runsDir)) return OptionalDouble.empty();
    List<Path> runs;
    try (Stream<Path> s = Files.list(runsDir)) {
      runs =
          s.filter(d -> Files.isRegularFile(d.resolve(MetricsLog.METRICS_FILE)))
              .sorted((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()))
              .toList();
    } catch (IOException e) {
      return OptionalDouble.empty();
    }
    for (Path run : runs) {
      try {
        if (!sameWork(RunFolder.open(run).preset(), preset)) continue;
        double[] speeds =
            MetricsLog.readMetrics(run.resolve(MetricsLog.METRICS_FILE)).stream()
                .map(MetricPoint::tokensPerS)
                .filter(Objects::nonNull)
                .mapToDouble(Double::doubleValue)
                .filter(v -> v > 0)
                .toArray();
        if (speeds.length == 0) continue;
        double[] tail =
            Arrays.copyOfRange(speeds, Math.max(0, speeds.length - LAST), speeds.length);
        Arrays.sort(tail);
        return OptionalDouble.of(tail[tail.length / 2]);
      } catch (IOException | RuntimeException e) {
        // An unreadable run says nothing about speed: try the next.
      }
    }
    return OptionalDouble.empty();
  }

  /** Same model, micro batch and sequence length: the work per token is the same. */
  private static boolean sameWork(Preset a, Preset b) {
    return a.model().equals(b.model())
        && Objects.equals(a.training().microBatch(), b.training().microBatch())
        && a.training().seqLenOr(a.model().context()) == b.training().seqLenOr(b.model().context());
  }
}
