package dev.anneal.runs;

import dev.anneal.preset.Preset;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What continuing a run takes, read from its folder once, the same for the command line, the studio
 * and the trainer.
 *
 * @param run the run folder
 * @param preset its frozen preset, with {@code --steps} applied when given
 * @param dataset the dataset it trained on (run.json's {@code dataset}), or null if none is named
 */
public record Resume(RunFolder run, Preset preset, Path dataset) {

  /**
   * @param steps the run's new total of steps, or null to keep the preset's. It applies on resume
   *     too: it is how a finished run is extended.
   */
  public static Resume of(Path runDir, Integer steps) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    Preset p = run.preset();
    if (steps != null) p = p.withTraining(p.training().withSteps(steps));
    String d = run.get("dataset");
    return new Resume(run, p, d == null || d.isBlank() ? null : run.resolveRecorded(d));
  }

  /**
   * Whether {@code run} is a run folder that did not complete and has a checkpoint to continue
   * from.
   */
  public static boolean possible(Path run) {
    if (run == null || !RunFolder.isRunFolder(run)) return false;
    try {
      RunFolder f = RunFolder.open(run);
      if ("completed".equals(f.status())) return false;
      try (java.util.stream.Stream<Path> s =
          java.nio.file.Files.isDirectory(f.checkpointsDir())
              ? java.nio.file.Files.list(f.checkpointsDir())
              : java.util.stream.Stream.empty()) {
        return s.findAny().isPresent();
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
