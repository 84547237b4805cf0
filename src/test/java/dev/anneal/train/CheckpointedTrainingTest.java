package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.model.CausalLm;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code training.activation_checkpointing} trains the same model: a step's loss and accumulated
 * gradients equal the plain step's (float32 rounding apart), loss clamping and the MoE switch loss
 * included, and a run's loss, gradient-norm and expert-load curves match the plain run's.
 */
class CheckpointedTrainingTest {
  @TempDir static Path dir;
  static Path data;

  @BeforeAll
  static void dataset() throws Exception {
    AppEnvironment.configure();
    data = TinyDataset.write(dir.resolve("data"), 16, 60, 8);
  }

  private static String preset(String kind, int steps, boolean checkpointing) {
    String yaml =
        switch (kind) {
          case "moe-aux-free" -> BoundedMemoryTest.moePreset(kind, steps);
          case "moe-aux-loss" ->
              TinyDataset.preset(kind, "llama", steps)
                  .replace(
                      "context: 32}",
                      "context: 32, moe: {experts: 4, experts_per_token: 2, balancing: aux_loss, aux_loss_weight: 0.05}}");
          default -> TinyDataset.preset(kind, kind, steps);
        };
    return yaml.replace("seed: 7}", "seed: 7, activation_checkpointing: " + checkpointing + "}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "moe-aux-loss"})
  void aStepsLossAndAccumulatedGradientsEqualThePlainSteps(String kind) {
    Preset p = PresetLoader.parse(preset(kind, 10, false), kind);
    SplittableRandom rnd = new SplittableRandom(3);
    List<Batch> micro = List.of(batch(rnd), batch(rnd)); // two micro batches: accumulation
    try (NDManager root = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(p.model(), null, root, 3)) {
      Map<String, NDArray> params = model.trainableParameters();
      StepRunner.Outcome plain;
      StepRunner.Outcome checkpointed;
      Map<String, float[]> expected;
      Map<String, float[]> actual;
      // A loss clamp below the loss, so its detached factor is in play.
      try (NDManager step = root.newSubManager()) {
        StepRunner runner = new StepRunner(model, params, 2.0, false);
        plain = runner.run(micro, 0, step);
        expected = copy(runner.gradients(step));
        runner.zeroGradients(step);
      }
      try (NDManager step = root.newSubManager()) {
        StepRunner runner = new StepRunner(model, params, 2.0, true);
        checkpointed = runner.run(micro, 0, step);
        actual = copy(runner.gradients(step));
        runner.zeroGradients(step);
      }
      assertThat(plain.loss()).isGreaterThan(2.0);
      assertThat(checkpointed.loss()).isCloseTo(plain.loss(), within(1e-6));
      assertThat(checkpointed.gradNorm())
          .isCloseTo(plain.gradNorm(), within(1e-5 * plain.gradNorm()));
      for (String name : expected.keySet()) {
        float[] e = expected.get(name), a = actual.get(name);
        double scale = 0;
        for (float v : e) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < e.length; i++) {
          assertThat((double) a[i])
              .as("%s %s[%d]", kind, name, i)
              .isCloseTo(e[i], within(1e-6 + 1e-4 * scale));
        }
      }
      assertThat(checkpointed.routing()).hasSize(plain.routing().size());
      for (int l = 0; l < plain.routing().size(); l++) {
        assertThat(checkpointed.routing().get(l).load())
            .containsExactly(plain.routing().get(l).load());
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "moe-aux-free"})
  void aRunsLossCurveEqualsThePlainRuns(String kind) throws Exception {
    List<MetricPoint> plain = train(kind, false);
    List<MetricPoint> checkpointed = train(kind, true);
    assertThat(checkpointed).hasSameSizeAs(plain).hasSize(8);
    for (int i = 0; i < plain.size(); i++) {
      MetricPoint e = plain.get(i), a = checkpointed.get(i);
      assertThat(a.loss())
          .as("%s loss at step %d", kind, e.step())
          .isCloseTo(e.loss(), within(1e-4));
      assertThat(a.gradNorm())
          .as("%s grad norm at step %d", kind, e.step())
          .isCloseTo(e.gradNorm(), within(1e-3 * e.gradNorm()));
      if (e.expertLoad() != null) {
        for (int l = 0; l < e.expertLoad().size(); l++) {
          assertThat(a.expertLoad().get(l))
              .containsExactly(e.expertLoad().get(l).toArray(Double[]::new));
        }
      }
    }
    assertThat(plain.getLast().loss()).as("it learns").isLessThan(plain.getFirst().loss());
  }

  private static List<MetricPoint> train(String kind, boolean checkpointing) throws Exception {
    Preset p = PresetLoader.parse(preset(kind, 8, checkpointing), kind);
    List<MetricPoint> points = new ArrayList<>();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onMetric(MetricPoint point) {
            if (point.loss() != null) points.add(point);
          }
        };
    TrainResult r =
        new Trainer(
                p,
                TrainOptions.of(data, dir.resolve("runs-" + kind + "-" + checkpointing)),
                listener,
                new TrainerControl())
            .run();
    assertThat(r.status()).isEqualTo("completed");
    return points;
  }

  private static Batch batch(SplittableRandom rnd) {
    int rows = 2, cols = 16;
    long[] ids = new long[rows * cols],
        targets = new long[rows * cols],
        docs = new long[rows * cols];
    float[] mask = new float[rows * cols];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 2 + rnd.nextInt(60);
      targets[i] = 2 + rnd.nextInt(60);
      docs[i] = i % cols < 7 ? 0 : 1;
      mask[i] = 1f;
    }
    return new Batch(rows, cols, ids, targets, docs, mask);
  }

  private static Map<String, float[]> copy(Map<String, NDArray> grads) {
    Map<String, float[]> out = new LinkedHashMap<>();
    grads.forEach((k, v) -> out.put(k, v.toFloatArray()));
    return out;
  }
}
