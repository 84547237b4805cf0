package dev.anneal.ui.runs;

import dev.anneal.metrics.MetricsLog;
import dev.anneal.runs.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads the run folders of a workspace, and tells cheaply (file times only) whether any changed.
 */
final class RunScan {
  private RunScan() {}

  /** Folder names with the modification times of the files a row is read from. */
  record Fingerprint(List<String> stamps) {}

  static Fingerprint fingerprint(Path runsDir) {
    return new Fingerprint(
        folders(runsDir).stream()
            .map(
                d ->
                    d.getFileName()
                        + "@"
                        + mtime(d.resolve(RunFolder.RUN_JSON))
                        + "/"
                        + mtime(d.resolve(MetricsLog.METRICS_FILE))
                        + "/"
                        + mtime(d.resolve(RunFolder.BEST).resolve(RunFolder.TRAINER_STATE)))
            .toList());
  }

  static List<RunSummary> read(Path runsDir) {
    return folders(runsDir).stream()
        .map(RunSummary::read)
        .sorted(
            Comparator.comparing((RunSummary r) -> r.started() == null ? Instant.MIN : r.started())
                .reversed()
                .thenComparing(RunSummary::name))
        .toList();
  }

  private static List<Path> folders(Path runsDir) {
    if (!Files.isDirectory(runsDir)) return List.of();
    try (Stream<Path> s = Files.list(runsDir)) {
      return s.filter(RunFolder::isRunFolder).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static long mtime(Path f) {
    try {
      return Files.getLastModifiedTime(f).toMillis();
    } catch (IOException e) {
      return -1;
    }
  }
}
