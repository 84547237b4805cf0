package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.anneal.AppEnvironment;
import dev.anneal.engine.MixedPrecision;
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

class TrainerTest {
  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void dataset() throws Exception {
    AppEnvironment.configure();
    data = TinyDataset.write(dir.resolve("data"), 16, 60, 8);
  }

  private static Preset preset(String name, String family, int steps) {
    return PresetLoader.parse(TinyDataset.preset(name, family, steps), name);
  }

  /** Final loss per step as the metrics file has it (a resumed run rewrites replayed steps). */
  static Map<Long, Double> losses(Path run) throws Exception {
    Map<Long, Double> out = new TreeMap<>();
    for (MetricPoint p : MetricsLog.readMetrics(run.resolve(MetricsLog.METRICS_FILE))) {
      if (p.loss() != null) out.put(p.step(), p.loss());
    }
    return out;
  }

  @Test
  void lossFallsOnARepeatingCorpus() throws Exception {
    TrainResult r =
        new Trainer(
                preset("falls", "gpt2", 40),
                TrainOptions.of(data, dir.resolve("runs")),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    assertThat(r.status()).isEqualTo("completed");
    Map<Long, Double> loss = losses(r.runDir());
    double first = loss.get(1L);
    double last = loss.get(40L);
    assertThat(first).isGreaterThan(3.5); // about ln 64 = 4.16 at start
    assertThat(last).isLessThan(first * 0.6);
    assertThat(r.runDir().resolve("best/model.safetensors")).exists();
    assertThat(new CheckpointStore(r.runDir(), 2).steps()).hasSize(2);
    List<RunEvent> events = MetricsLog.readEvents(r.runDir().resolve(MetricsLog.EVENTS_FILE));
    assertThat(events)
        .extracting(RunEvent::kind)
        .contains(RunEvent.START, RunEvent.CHECKPOINT, RunEvent.EVAL, RunEvent.STOP);
  }

  @Test
  void bf16MatmulsTrainAlongTheFloat32CurveWhereTheCpuHasThem() throws Exception {
    assumeTrue(
        MixedPrecision.obstacleHere() == null,
        () -> "no bf16 here: " + MixedPrecision.obstacleHere());
    String yaml =
        TinyDataset.preset("bf16", "llama", 30).replace("seed: 7}", "seed: 7, precision: bf16}");
    List<String> logs = new java.util.ArrayList<>();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onLog(String line) {
            logs.add(line);
          }
        };
    TrainResult bf16 =
        new Trainer(
                PresetLoader.parse(yaml, "bf16"),
                TrainOptions.of(data, dir.resolve("runs-bf16")),
                listener,
                new TrainerControl())
            .run();
    TrainResult fp32 =
        new Trainer(
                preset("fp32", "llama", 30),
                TrainOptions.of(data, dir.resolve("runs-fp32")),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    assertThat(logs).anyMatch(l -> l.contains("bf16 matmuls · fp32 weights"));
    Map<Long, Double> a = losses(bf16.runDir());
    Map<Long, Double> b = losses(fp32.runDir());
    assertThat(a.get(30L)).isLessThan(a.get(1L) * 0.6);
    // Same data, same initial weights: the curves differ only by bf16 rounding.
    assertThat(a.get(1L)).isCloseTo(b.get(1L), within(0.02));
    assertThat(a.get(30L)).isCloseTo(b.get(30L), within(0.1 * b.get(30L)));
    assertThat(a.get(30L)).isNotEqualTo(b.get(30L));
  }

  @Test
  void stopAndResumeContinueTheSameCurve() throws Exception {
    Path runs = dir.resolve("resume-runs");
    TrainResult whole =
        new Trainer(
                preset("whole", "llama", 24),
                TrainOptions.of(data, runs),
                TrainingListener.NONE,
                new TrainerControl())
            .run();

    TrainerControl control = new TrainerControl();
    TrainingListener stopAt13 =
        new TrainingListener() {
          @Override
          public void onProgress(long step, long steps, double eta) {
            if (step == 13) control.stop();
          }
        };
    TrainResult first =
        new Trainer(preset("whole", "llama", 24), TrainOptions.of(data, runs), stopAt13, control)
            .run();
    assertThat(first.status()).isEqualTo("stopped");
    assertThat(first.state().step()).isEqualTo(13);
    TrainResult resumed =
        new Trainer(
                preset("whole", "llama", 24),
                TrainOptions.of(data, runs).withResume(first.runDir()),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    assertThat(resumed.state().step()).isEqualTo(24);

    Map<Long, Double> a = losses(whole.runDir());
    Map<Long, Double> b = losses(first.runDir());
    System.out.println("WHOLE " + whole.runDir() + " " + a + "\nFIRST " + first.runDir() + " " + b);
    for (long s = 1; s <= 24; s++) {
      assertThat(b.get(s)).as("step " + s).isCloseTo(a.get(s), within(1e-5));
    }
  }

  @Test
  void aStageTwoRunOnAnotherArchitectureIsRefused() throws Exception {
    TrainResult stage1 =
        new Trainer(
                preset("stage1", "gpt2", 5),
                TrainOptions.of(data, dir.resolve("s1")),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    Preset other = preset("stage2", "llama", 5);
    assertThatThrownBy(
            () ->
                new Trainer(
                        other,
                        TrainOptions.of(data, dir.resolve("s2")).withInit(stage1.runDir()),
                        TrainingListener.NONE,
                        new TrainerControl())
                    .run())
        .hasMessageContaining("architecture differs")
        .hasMessageContaining("model.family: gpt2");
    // The same architecture starts from stage 1's weights: its first loss is already low.
    Preset same = preset("stage2", "gpt2", 5);
    TrainResult stage2 =
        new Trainer(
                same,
                TrainOptions.of(data, dir.resolve("s2b")).withInit(stage1.runDir()),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    assertThat(losses(stage2.runDir()).get(1L)).isLessThan(losses(stage1.runDir()).get(1L));
  }

  @Test
  void aNanAtStepKIsSkippedAndCounted() throws Exception {
    TrainResult r =
        new Trainer(
                preset("nan", "gpt2", 12),
                TrainOptions.of(data, dir.resolve("nan")),
                TrainingListener.NONE,
                new TrainerControl())
            .injectNanAt(s -> s == 6)
            .run();
    assertThat(r.status()).isEqualTo("completed");
    assertThat(r.state().nanSkips()).isEqualTo(1);
    assertThat(r.state().updates()).isEqualTo(11);
    List<RunEvent> events = MetricsLog.readEvents(r.runDir().resolve(MetricsLog.EVENTS_FILE));
    assertThat(events)
        .filteredOn(e -> e.kind().equals(RunEvent.NAN_SKIP))
        .hasSize(1)
        .first()
        .satisfies(e -> assertThat(e.step()).isEqualTo(7));
    Map<Long, Double> loss = losses(r.runDir());
    assertThat(loss).doesNotContainKey(7L).containsKeys(6L, 8L);
    assertThat(loss.values()).allSatisfy(v -> assertThat(v).isFinite());
  }
}
