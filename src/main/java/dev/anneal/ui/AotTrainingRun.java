package dev.anneal.ui;

import java.util.concurrent.CompletionStage;
import javafx.application.Platform;
import javafx.scene.Scene;

/**
 * The installer build's training run for the JVM's AOT cache ({@code -XX:AOTCacheOutput}, JEP
 * 483/514/515): with {@code -Danneal.aotTraining=true} the studio starts as usual and closes itself
 * once its window has drawn a frame and the engine probe has reported, so the cache holds the
 * classes (and method profiles) of exactly that path. The JVM writes the cache as it exits.
 */
final class AotTrainingRun {
  static final boolean ON = Boolean.getBoolean("anneal.aotTraining");

  private AotTrainingRun() {}

  /** After the first layout pass of {@code scene} and {@code engine}'s report, exits the studio. */
  static void exitWhenReady(Scene scene, CompletionStage<?> engine) {
    scene.addPostLayoutPulseListener(
        new Runnable() {
          @Override
          public void run() {
            scene.removePostLayoutPulseListener(this);
            // The frame is rendered after this pulse; the engine probe takes longer than that.
            engine.whenComplete((info, error) -> Platform.runLater(Platform::exit));
          }
        });
  }
}
