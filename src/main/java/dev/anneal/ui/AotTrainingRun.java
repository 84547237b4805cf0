package dev.anneal.ui;

import dev.anneal.data.DataBench;
import dev.anneal.io.AtomicFiles;
import dev.anneal.ui.task.BackgroundTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import javafx.application.Platform;
import javafx.scene.Scene;

/**
 * The installer build's training run for the JVM's AOT cache ({@code -XX:AOTCacheOutput}, JEP
 * 483/514/515): with {@code -Danneal.aotTraining=true} the studio starts as usual, and once its
 * window has drawn a frame and the engine probe has reported, runs a small data pipeline ({@link
 * #DATA_WORKLOAD}) and closes itself. The cache then holds the classes (and method profiles) of the
 * studio's start and of the data pipeline: a dataset build's first seconds in a fresh JVM, which
 * the command line always is, otherwise load the extractors' classes from the jars and run the hot
 * loops interpreted while the JIT profiles them. The JVM writes the cache as it exits.
 */
final class AotTrainingRun {
  static final boolean ON = Boolean.getBoolean("anneal.aotTraining");

  /**
   * {@code anneal bench data}'s pipeline on a 24 MB corpus (its defaults otherwise), long enough
   * for scan, extract, dedup, tokenizer training and prepare to be profiled: about 10 s here. From
   * 8 MB, the installed image's first 50 MB build ran at 18.7 MB/s against 19.6 (seven alternating
   * rounds), the recording 6 s shorter.
   */
  static final DataBench.Options DATA_WORKLOAD = DataBench.Options.withDefaults(24, 1, 2);

  private AotTrainingRun() {}

  /**
   * After the first layout pass of {@code scene} and {@code engine}'s report, runs the data
   * workload in the background, then exits the studio (a failure is printed; the recording script
   * fails the build on it).
   */
  static void exitWhenReady(Scene scene, CompletionStage<?> engine) {
    scene.addPostLayoutPulseListener(
        new Runnable() {
          @Override
          public void run() {
            scene.removePostLayoutPulseListener(this);
            // The frame is rendered after this pulse; the engine probe takes longer than that.
            engine.whenComplete((info, error) -> Platform.runLater(AotTrainingRun::workThenExit));
          }
        });
  }

  /** On the FX thread: the data workload on the studio's task executor, then the studio's exit. */
  private static void workThenExit() {
    StudioPreparation.tasks()
        .execute(
            BackgroundTask.of(
                    "aot-data-workload",
                    ctx -> {
                      runDataWorkload();
                      return true;
                    })
                .onFailure(m -> System.err.println("AOT training run: data workload failed: " + m))
                .onFinished(Platform::exit));
  }

  /** Runs {@link #DATA_WORKLOAD} in a scratch folder, removed after; its figures are dropped. */
  static void runDataWorkload() throws IOException {
    Path work = Files.createTempDirectory("anneal-aot-data-");
    try {
      DataBench.run(DATA_WORKLOAD, work, line -> {});
    } finally {
      AtomicFiles.deleteRecursively(work);
    }
  }
}
