package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.AppEnvironment;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.metrics.RunEvent;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A two-phase run in one folder: 12 steps of 16-token sequences on the main dataset, then 10 of
 * 32-token sequences on a second dataset with its own schedule and YaRN scaling. Stopped inside
 * either phase or on the boundary and resumed, it retraces the uninterrupted run.
 */
class PhasedTrainingTest {
  @TempDir static Path dir;
  static Path data;
  static TrainResult whole;

  static final String PRESET =
      """
      name: phased
      model: {family: llama, layers: 2, hidden: 32, heads: 4, kv_heads: 2, intermediate: 64, vocab: 64, context: 32}
      training:
        steps: 24
        micro_batch: 4
        accumulation: 2
        seq_len: 16
        lr: 1.0e-2
        min_lr: 1.0e-3
        warmup_steps: 5
        log_every: 1
        eval_every: 5
        checkpoint_every: 4
        keep_last: 2
        seed: 7
        phases:
          - {name: short, steps: 12}
          - name: long
            steps: 10
            seq_len: 32
            micro_batch: 2
            data: code
            lr: 5.0e-3
            warmup_steps: 2
            rope_scaling: {type: yarn, factor: 2.0, original_context: 16}
      hardware: {device: cpu, memory_gb: 4}
      """;

  @BeforeAll
  static void uninterrupted() throws Exception {
    AppEnvironment.configure();
    data = TinyDataset.write(dir.resolve("language"), 16, 60, 8);
    TinyDataset.write(dir.resolve("code"), 32, 90, 8);
    whole =
        new Trainer(
                preset(),
                TrainOptions.of(data, dir.resolve("whole")),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
  }

  private static Preset preset() {
    return PresetLoader.parse(PRESET, "phased.yaml");
  }

  private static Map<Long, Double> lrs(Path run) throws Exception {
    Map<Long, Double> out = new TreeMap<>();
    for (MetricPoint p : MetricsLog.readMetrics(run.resolve(MetricsLog.METRICS_FILE))) {
      if (p.lr() != null) out.put(p.step(), p.lr());
    }
    return out;
  }

  @Test
  void phasesRunInOrderInOneFolderWithTheirOwnSchedules() throws Exception {
    assertThat(whole.status()).isEqualTo("completed");
    assertThat(whole.state().step()).isEqualTo(22);
    List<RunEvent> phases =
        MetricsLog.readEvents(whole.runDir().resolve(MetricsLog.EVENTS_FILE)).stream()
            .filter(e -> e.kind().equals(RunEvent.PHASE))
            .toList();
    assertThat(phases).extracting(RunEvent::step).containsExactly(0L, 12L);
    assertThat(phases.get(1).details()).containsEntry("phase", "long").containsEntry("seq_len", 32);
    assertThat(phases.get(1).message()).contains("phase 2/2 'long'", "seq_len 32");

    Map<Long, Double> lr = lrs(whole.runDir());
    // The metric at step s is the update made at step s-1. Phase 1: the run's warmup of 5.
    assertThat(lr.get(1L)).isCloseTo(1e-2 / 5, within(1e-12));
    // Phase 2 restarts: warmup 2 to its own peak 5e-3, then cosine over its 10 steps to 5e-4.
    assertThat(lr.get(13L)).isCloseTo(5e-3 / 2, within(1e-12));
    assertThat(lr.get(14L)).isCloseTo(5e-3, within(1e-12));
    assertThat(lr.get(22L))
        .isCloseTo(5e-4 + 0.5 * (1 + Math.cos(Math.PI * 7 / 8)) * (5e-3 - 5e-4), within(1e-12));
    assertThat(TrainerTest.losses(whole.runDir()).values()).allMatch(Double::isFinite);

    JsonNode state =
        new ObjectMapper()
            .readTree(
                new CheckpointStore(whole.runDir(), 2)
                    .folder(20)
                    .resolve(CheckpointStore.STATE)
                    .toFile());
    assertThat(state.path("phase").asInt()).isEqualTo(1);
    assertThat(state.path("phaseStep").asLong()).as(state.toString()).isEqualTo(8);
    dev.anneal.runs.RunFolder run = dev.anneal.runs.RunFolder.open(whole.runDir());
    assertThat(run.getMap("phase_data"))
        .containsEntry("long", dir.resolve("code").toAbsolutePath().toString());
    assertThat(run.get("steps")).isEqualTo("22");
    // The weights trained last under phase 2's scaling, and a model loaded from them says so.
    Path last = new CheckpointStore(whole.runDir(), 2).latest().orElseThrow();
    ModelSpec spec = dev.anneal.runs.ModelFolder.open(last).fullModelSpec();
    assertThat(spec.ropeScaling().factor()).isEqualTo(2.0);
  }

  @ParameterizedTest(name = "stopped at step {0}")
  @ValueSource(ints = {7, 12, 17}) // inside phase 1, on the boundary, inside phase 2
  void stoppedAndResumedRetracesTheUninterruptedRun(int stopAt) throws Exception {
    Path runs = dir.resolve("stop-" + stopAt);
    TrainerControl control = new TrainerControl();
    TrainingListener stop =
        new TrainingListener() {
          @Override
          public void onProgress(long step, long steps, double eta) {
            if (step == stopAt) control.stop();
          }
        };
    TrainResult first = new Trainer(preset(), TrainOptions.of(data, runs), stop, control).run();
    assertThat(first.state().step()).isEqualTo(stopAt);
    TrainResult resumed =
        new Trainer(
                preset(),
                TrainOptions.of(data, runs).withResume(first.runDir()),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    assertThat(resumed.state().step()).isEqualTo(22);
    Map<Long, Double> reference = TrainerTest.losses(whole.runDir());
    Map<Long, Double> curve = TrainerTest.losses(first.runDir());
    assertThat(curve.keySet()).isEqualTo(reference.keySet());
    for (long s : reference.keySet()) {
      assertThat(curve.get(s)).as("step " + s).isCloseTo(reference.get(s), within(1e-5));
    }
    long boundaryEvents =
        MetricsLog.readEvents(first.runDir().resolve(MetricsLog.EVENTS_FILE)).stream()
            .filter(e -> e.kind().equals(RunEvent.PHASE) && e.step() == 12)
            .count();
    assertThat(boundaryEvents).isEqualTo(1);
  }

  @Test
  void aMissingPhaseDatasetStopsTheRunBeforeItsFirstStep() {
    TrainOptions options =
        TrainOptions.of(data, dir.resolve("missing"))
            .withPhaseData(Map.of("long", dir.resolve("nowhere")));
    assertThatThrownBy(
            () -> new Trainer(preset(), options, TrainingListener.NONE, new TrainerControl()).run())
        .hasMessageContaining("phase 'long' (training.phases[1])")
        .hasMessageContaining("nowhere");
  }

  @Test
  void stepsCannotChangeWhenAPhasedRunResumes() {
    TrainOptions options =
        TrainOptions.of(data, dir.resolve("x")).withResume(whole.runDir()).withSteps(40);
    assertThatThrownBy(
            () -> new Trainer(preset(), options, TrainingListener.NONE, new TrainerControl()).run())
        .hasMessageContaining("trains in phases");
  }

  @Test
  void phaseDatasetsOfAnotherTokenizerStopTheRunBeforeItsFirstStep() throws Exception {
    Path first = TinyDataset.write(dir.resolve("tok-a"), 16, 60, 8);
    Path second = TinyDataset.write(dir.resolve("tok-b"), 32, 90, 8);
    withTokenizerSha(first, "aaaa");
    withTokenizerSha(second, "bbbb");
    TrainOptions options =
        TrainOptions.of(first, dir.resolve("two-tokenizers")).withPhaseData(Map.of("long", second));
    assertThatThrownBy(
            () -> new Trainer(preset(), options, TrainingListener.NONE, new TrainerControl()).run())
        .hasMessageContaining("phase 'long' (training.phases[1])")
        .hasMessageContaining("another tokenizer than " + first);
    assertThat(dir.resolve("two-tokenizers"))
        .satisfiesAnyOf(
            d -> assertThat(d).doesNotExist(),
            d ->
                assertThat(
                        java.nio.file.Files.list(d)
                            .flatMap(
                                r -> {
                                  try {
                                    return java.nio.file.Files.list(r.resolve("checkpoints"));
                                  } catch (java.io.IOException e) {
                                    return java.util.stream.Stream.empty();
                                  }
                                })
                            .count())
                    .isZero());
  }

  private static void withTokenizerSha(Path dataset, String sha) throws Exception {
    Path meta = dataset.resolve(dev.anneal.data.TokenShards.META);
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    var tree = (com.fasterxml.jackson.databind.node.ObjectNode) mapper.readTree(meta.toFile());
    tree.put("tokenizer_sha256", sha);
    mapper.writeValue(meta.toFile(), tree);
  }
}
