package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anneal.AppEnvironment;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.metrics.RunEvent;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 003's loss-spike rollback, on an injected spike: a loss 100× its running mean after the
 * settling period goes back to the last checkpoint, restores its step, and cuts the learning rate.
 */
class SpikeRollbackTest {
  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void dataset() throws Exception {
    AppEnvironment.configure();
    data = TinyDataset.write(dir.resolve("data"), 16, 60, 8);
  }

  private static Map<Long, Double> lrs(Path run) throws Exception {
    Map<Long, Double> out = new TreeMap<>();
    for (MetricPoint p : MetricsLog.readMetrics(run.resolve(MetricsLog.METRICS_FILE))) {
      if (p.lr() != null) out.put(p.step(), p.lr());
    }
    return out;
  }

  @Test
  void aSpikeRollsBackToTheLastCheckpointWithTheLearningRateCut() throws Exception {
    Preset p = PresetLoader.parse(TinyDataset.preset("spike", "llama", 30), "spike");
    TrainResult clean =
        new Trainer(
                p,
                TrainOptions.of(data, dir.resolve("clean")),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    // The 25th step (0-based 24) spikes; checkpoints are every 5 steps, so the last is step 20.
    TrainResult spiked =
        new Trainer(
                p,
                TrainOptions.of(data, dir.resolve("spiked")),
                TrainingListener.NONE,
                new TrainerControl())
            .injectSpikeAt(s -> s == 24)
            .run();

    assertThat(spiked.status()).isEqualTo("completed");
    assertThat(spiked.state().rollbacks()).isEqualTo(1);
    assertThat(spiked.state().lrScale()).isEqualTo(0.5);
    assertThat(spiked.state().step()).isEqualTo(30);
    List<RunEvent> rollbacks =
        MetricsLog.readEvents(spiked.runDir().resolve(MetricsLog.EVENTS_FILE)).stream()
            .filter(e -> e.kind().equals(RunEvent.ROLLBACK))
            .toList();
    assertThat(rollbacks)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.step()).isEqualTo(20); // the state it went back to
              assertThat(e.message()).contains("back to step 20").contains("learning rate × 0.5");
            });
    // Before the spike both runs are the same; after it every step runs at half the schedule.
    Map<Long, Double> a = lrs(clean.runDir());
    Map<Long, Double> b = lrs(spiked.runDir());
    assertThat(b.get(20L)).isCloseTo(a.get(20L), within(1e-12));
    for (long s = 21; s <= 30; s++)
      assertThat(b.get(s)).as("lr at step %d", s).isCloseTo(a.get(s) * 0.5, within(1e-12));
  }
}
