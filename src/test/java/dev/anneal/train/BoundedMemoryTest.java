package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.AppEnvironment;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.metrics.RunEvent;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.nio.file.Files;
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
 * Nothing of a step or an evaluation outlives it: the arrays under the trainer's root manager
 * (model, optimizer state, and whatever a step leaves behind) are counted after every step, and the
 * count must stay where it was once the optimizer's moments exist, across evaluations and
 * checkpoints, for a dense model and for an MoE whose routing bias moves each step, with and
 * without activation checkpointing.
 */
class BoundedMemoryTest {
  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void dataset() throws Exception {
    AppEnvironment.configure();
    data = TinyDataset.write(dir.resolve("data"), 16, 60, 8);
  }

  static String moePreset(String name, int steps) {
    return TinyDataset.preset(name, "llama", steps)
        .replace(
            "context: 32}",
            "context: 32, moe: {experts: 4, experts_per_token: 2, shared_experts: 1, expert_intermediate: 32,"
                + " balancing: aux_free, bias_update_rate: 0.001}}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "moe", "gpt2-checkpointed", "moe-checkpointed"})
  void arraysUnderTheRootStayFlatAcrossStepsAndEvaluations(String kind) throws Exception {
    String family = kind.replace("-checkpointed", "");
    String yaml = family.equals("moe") ? moePreset(kind, 24) : TinyDataset.preset(kind, family, 24);
    if (kind.endsWith("-checkpointed"))
      yaml = yaml.replace("seed: 7}", "seed: 7, activation_checkpointing: true}");
    Map<Long, Integer> counts = new TreeMap<>();
    TrainResult r =
        new Trainer(
                PresetLoader.parse(yaml, kind),
                TrainOptions.of(data, dir.resolve("runs-" + kind)),
                TrainingListener.NONE,
                new TrainerControl())
            .afterEachStep((root, step) -> counts.put(step, root.getManagedArrays().size()))
            .run();
    assertThat(r.status()).isEqualTo("completed");
    assertThat(counts).hasSize(24);
    // Step 1 creates the optimizer's moments; every later step, evaluations (10, 20) and
    // checkpoints (every 5) included, must end with exactly that many arrays.
    int settled = counts.get(1L);
    assertThat(counts.values())
        .as("arrays under the root after each step of %s", kind)
        .allMatch(c -> c == settled);
  }

  @Test
  void outOfMemoryKeepsTheStateReachedAndSaysWhatToLower() throws Exception {
    Preset p = PresetLoader.parse(TinyDataset.preset("oom", "llama", 20), "oom");
    Path runs = dir.resolve("runs-oom");
    Trainer trainer =
        new Trainer(p, TrainOptions.of(data, runs), TrainingListener.NONE, new TrainerControl())
            .injectOutOfMemoryAt(s -> s == 7);
    assertThatThrownBy(trainer::run)
        .isInstanceOf(OutOfMemory.class)
        .hasMessageContaining("ran out of memory at micro batch 4 × 16 tokens")
        .hasMessageContaining("training.micro_batch 4 → 2 (with accumulation 2 → 4")
        .hasMessageContaining("or set training.activation_checkpointing: true")
        .hasMessageContaining("saved at step 7")
        .hasMessageNotContaining("\n");
    Path run;
    try (var s = Files.list(runs)) {
      run = s.findFirst().orElseThrow();
    }
    // Step 5's checkpoint is the regular one; step 7's was written by the out-of-memory path.
    assertThat(new CheckpointStore(run, 5).steps())
        .extracting(q -> q.getFileName().toString())
        .contains("step-000005", "step-000007");
    List<RunEvent> events = MetricsLog.readEvents(run.resolve(MetricsLog.EVENTS_FILE));
    assertThat(events.getLast().message()).contains("ran out of memory");
    // And it resumes from there to the end.
    TrainResult resumed =
        new Trainer(
                p,
                TrainOptions.of(data, runs).withResume(run),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    assertThat(resumed.status()).isEqualTo("completed");
    assertThat(resumed.state().step()).isEqualTo(20);
  }

  @Test
  void stepsGivenOnResumeExtendTheRun() throws Exception {
    Preset p = PresetLoader.parse(TinyDataset.preset("extend", "gpt2", 10), "extend");
    Path runs = dir.resolve("runs-extend");
    TrainResult first =
        new Trainer(p, TrainOptions.of(data, runs), TrainingListener.NONE, new TrainerControl())
            .run();
    assertThat(first.state().step()).isEqualTo(10);
    TrainResult more =
        new Trainer(
                p,
                TrainOptions.of(data, runs).withResume(first.runDir()).withSteps(15),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    assertThat(more.state().step()).isEqualTo(15);
    assertThat(Double.isFinite(more.lastLoss())).isTrue();
  }

  @Test
  void outOfMemoryIsRecognisedInLibtorchsWords() {
    assertThat(
            OutOfMemory.is(
                new ai.djl.engine.EngineException(
                    "CUDA out of memory. Tried to allocate 20.00 MiB (GPU 0; 139.81 GiB total capacity)")))
        .isTrue();
    assertThat(
            OutOfMemory.is(
                new ai.djl.engine.EngineException(
                    "[enforce fail at alloc_cpu.cpp:117] DefaultCPUAllocator: not enough memory: you tried to allocate 1 bytes.")))
        .isTrue();
    assertThat(OutOfMemory.is(new ai.djl.engine.EngineException("shape mismatch"))).isFalse();
  }
}
