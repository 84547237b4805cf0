package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pausing a run from the studio: the wait is not training time. */
class PauseTest {
  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void dataset() throws Exception {
    AppEnvironment.configure();
    data = TinyDataset.write(dir.resolve("data"), 16, 60, 8);
  }

  /**
   * A pause is not training time: the speed logged for the first step after Continue is of the same
   * order as before the pause, not diluted by the second the run stood still (which would cut it by
   * a factor of ten or more on these millisecond steps).
   */
  private static final double PAUSE_SECONDS = 1.5;

  @Test
  void thePausedTimeIsNotCountedInTheSpeedAfterContinue() throws Exception {
    Preset p = PresetLoader.parse(TinyDataset.preset("pause", "gpt2", 12), "pause");
    TrainerControl control = new TrainerControl();
    Map<Long, Double> speed = new java.util.concurrent.ConcurrentHashMap<>();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onMetric(MetricPoint point) {
            if (point.tokensPerS() != null) speed.put(point.step(), point.tokensPerS());
            if (point.step() == 6 && point.tokensPerS() != null) {
              control.pause();
              Thread resume =
                  new Thread(
                      () -> {
                        try {
                          Thread.sleep((long) (PAUSE_SECONDS * 1000));
                        } catch (InterruptedException e) {
                          return;
                        }
                        control.resume();
                      });
              resume.start();
            }
          }
        };
    TrainResult r =
        new Trainer(p, TrainOptions.of(data, dir.resolve("paused")), listener, control).run();
    assertThat(r.status()).isEqualTo("completed");
    // Against the speed the pause would dilute it to, not the steps around it: one step of a few
    // ms held up by a collection or the scheduler on a busy machine must not fail the test.
    double tokensPerStep = 4 * 2 * 16; // micro batch x accumulation x sequence (TinyDataset)
    assertThat(speed.get(7L))
        .as("tokens/s of the first step after Continue")
        .isGreaterThan(tokensPerStep / (PAUSE_SECONDS / 2));
  }
}
