package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import dev.anneal.engine.LibtorchCast;
import dev.anneal.model.CausalLm;
import dev.anneal.model.LayerRouting;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A step whose micro batches run as two halves on two threads ({@link CpuSplit}) has the loss and
 * the gradients of the step run whole, and the same bits every time it is run.
 */
class CpuSplitTest {
  /** Rows of packed documents, some targets masked out, odd row counts included. */
  private static List<Batch> microBatches(SplittableRandom rnd) {
    return List.of(batch(rnd, 3, 16), batch(rnd, 4, 16));
  }

  private static Batch batch(SplittableRandom rnd, int rows, int cols) {
    int n = rows * cols;
    long[] ids = new long[n], targets = new long[n], docs = new long[n];
    float[] mask = new float[n];
    for (int i = 0; i < n; i++) {
      ids[i] = 2 + rnd.nextInt(60);
      targets[i] = 2 + rnd.nextInt(60);
      docs[i] = i % cols < 5 ? 0 : 1; // two documents a row
      mask[i] = rnd.nextInt(4) == 0 ? 0f : 1f;
    }
    return new Batch(rows, cols, ids, targets, docs, mask);
  }

  @ParameterizedTest(name = "{0}, bf16 {1}, checkpointing {2}")
  @CsvSource({
    "gpt2, false, false",
    "llama, false, false",
    "gpt2, true, false",
    "llama, true, false",
    "gpt2, false, true",
    "llama, true, true",
    "moe, false, false",
    "moe, true, true",
    "lora, false, false",
    "lora, true, true"
  })
  void halvesOnTwoThreadsGiveTheWholeStepsLossAndGradients(
      String family, boolean bf16, boolean checkpointing) {
    AppEnvironment.configure();
    assumeTrue(!bf16 || LibtorchCast.available());
    Preset p = PresetLoader.parse(preset(family), "w");
    List<Batch> micro = microBatches(new SplittableRandom(11));
    LoraSpec lora =
        family.equals("lora")
            ? new LoraSpec(4, 8.0, 0.0, List.of("q_proj", "v_proj"), List.of(), true)
            : null;
    try (NDManager root = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(p.model(), lora, root, 3)) {
      model.useBf16Matmuls(bf16);
      Map<String, NDArray> params = model.trainableParameters();
      if (lora != null) assertThat(params.keySet()).allMatch(n -> n.contains("lora_"));
      StepRunner whole = new StepRunner(model, params, null, checkpointing);
      Step expected = step(whole, micro, root);
      CpuSplit threads = new CpuSplit(model, 1);
      try (StepRunner split = new StepRunner(model, params, null, checkpointing, threads)) {
        Step first = step(split, micro, root);
        Step again = step(split, micro, root);
        // bf16 products round each half's weight gradient before the halves are added.
        double tol = bf16 ? 1e-2 : 1e-5;
        assertThat(first.loss).isCloseTo(expected.loss, within(bf16 ? 1e-3 : 1e-5));
        for (String name : expected.grads.keySet()) {
          float[] e = expected.grads.get(name), a = first.grads.get(name);
          assertThat(distance(a, e)).as(name).isLessThanOrEqualTo(tol * norm(e) + 1e-7);
          assertThat(again.grads.get(name)).as(name + " run again").isEqualTo(a);
        }
        assertThat(again.loss).isEqualTo(first.loss);
        assertThat(expected.routing).hasSize(family.equals("moe") ? 2 : 0); // a layer each
        assertThat(first.routing).hasSameSizeAs(expected.routing);
        for (int l = 0; l < expected.routing.size(); l++) {
          // Each half's load counts equally: the whole's only where the halves hold equal rows.
          float[] e = expected.routing.get(l).load(), a = first.routing.get(l).load();
          for (int k = 0; k < e.length; k++)
            assertThat(a[k]).as("layer %d expert %d", l, k).isCloseTo(e[k], within(0.1f));
        }
        for (NDArray g : threads.replica().trainableParameters().values())
          assertThat(g.getGradient().abs().max().getFloat()).isZero();
      }
    }
  }

  /**
   * Whole optimizer steps (passes, clipping, AdamW, zeroing) split over the two threads: the same
   * weights as the steps run on one thread, within float rounding, and the same bits every time.
   */
  @ParameterizedTest(name = "bf16 {0}")
  @CsvSource({"false", "true"})
  void splitStepsUpdateTheWeightsAsWholeStepsDoAndRepeatExactly(boolean bf16) {
    AppEnvironment.configure();
    assumeTrue(!bf16 || LibtorchCast.available());
    Preset p = PresetLoader.parse(TinyDataset.preset("w", "gpt2", 10), "w");
    float[] whole = train(p, bf16, false);
    float[] split = train(p, bf16, true);
    assertThat(train(p, bf16, true)).isEqualTo(split);
    float[] start = train(p, bf16, false, 0);
    // The steps moved the weights, and both ways moved them alike: in float32 to rounding; in bf16
    // no further apart than bf16 products themselves move the weights from float32 ones (AdamW
    // turns a rounding in a tiny gradient into a whole step's difference).
    double moved = distance(whole, start);
    assertThat(moved).isGreaterThan(1e-2);
    double allowed = bf16 ? distance(whole, train(p, false, false)) : 1e-4 * moved;
    assertThat(distance(split, whole)).isLessThan(allowed);
  }

  private static float[] train(Preset p, boolean bf16, boolean split) {
    return train(p, bf16, split, 3);
  }

  /** The weights, flattened in order, after {@code steps} steps on fixed micro batches. */
  private static float[] train(Preset p, boolean bf16, boolean split, int steps) {
    try (NDManager root = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(p.model(), null, root, 3)) {
      model.useBf16Matmuls(bf16);
      Map<String, NDArray> params = model.trainableParameters();
      try (AdamW opt = AdamW.forRun(p.training(), params, root.newSubManager());
          TrainingStep step =
              new TrainingStep(
                  model, params, null, false, opt, split ? new CpuSplit(model, 1) : null)) {
        SplittableRandom rnd = new SplittableRandom(21);
        for (int s = 0; s < steps; s++) {
          try (NDManager m = root.newSubManager()) {
            step.update(step.passes(microBatches(rnd), 1.0, m), 1e-2, m);
          }
        }
      }
      int n = 0;
      for (NDArray a : params.values()) n += (int) a.size();
      float[] out = new float[n];
      int at = 0;
      for (NDArray a : params.values()) {
        float[] v = a.toFloatArray();
        System.arraycopy(v, 0, out, at, v.length);
        at += v.length;
      }
      return out;
    }
  }

  /** A tiny preset of the family; "moe" is a Llama with routed and shared experts. */
  private static String preset(String family) {
    if (family.equals("lora")) return TinyDataset.preset("w", "llama", 10);
    if (!family.equals("moe")) return TinyDataset.preset("w", family, 10);
    return TinyDataset.preset("w", "llama", 10)
        .replace(
            "context: 32}",
            "context: 32, moe: {experts: 4, experts_per_token: 2, shared_experts: 1,"
                + " expert_intermediate: 16}}");
  }

  private record Step(double loss, Map<String, float[]> grads, List<LayerRouting> routing) {}

  /** One step's passes; the gradients read, then zeroed for the next. */
  private static Step step(StepRunner runner, List<Batch> micro, NDManager root) {
    try (NDManager step = root.newSubManager()) {
      StepRunner.Outcome out = runner.run(micro, 0, step);
      Map<String, float[]> grads = new LinkedHashMap<>();
      runner.gradients(step).forEach((k, g) -> grads.put(k, g.toFloatArray()));
      runner.zeroGradients(step);
      return new Step(out.loss(), grads, out.routing());
    }
  }

  private static double distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) s += (a[i] - b[i]) * (double) (a[i] - b[i]);
    return Math.sqrt(s);
  }

  private static double norm(float[] a) {
    return distance(a, new float[a.length]);
  }
}
