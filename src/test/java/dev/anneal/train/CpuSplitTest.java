package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import dev.anneal.engine.LibtorchCast;
import dev.anneal.model.CausalLm;
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

  @ParameterizedTest(name = "{0}, bf16 {1}")
  @CsvSource({"gpt2, false", "llama, false", "gpt2, true", "llama, true"})
  void halvesOnTwoThreadsGiveTheWholeStepsLossAndGradients(String family, boolean bf16) {
    AppEnvironment.configure();
    assumeTrue(!bf16 || LibtorchCast.available());
    Preset p = PresetLoader.parse(TinyDataset.preset("w", family, 10), "w");
    List<Batch> micro = microBatches(new SplittableRandom(11));
    try (NDManager root = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(p.model(), null, root, 3)) {
      model.useBf16Matmuls(bf16);
      Map<String, NDArray> params = model.trainableParameters();
      StepRunner whole = new StepRunner(model, params, null, false);
      Step expected = step(whole, micro, root);
      CpuSplit threads = new CpuSplit(model, 1);
      try (StepRunner split = new StepRunner(model, params, null, false, threads)) {
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
        for (NDArray g : threads.replica().trainableParameters().values())
          assertThat(g.getGradient().abs().max().getFloat()).isZero();
      }
    }
  }

  private record Step(double loss, Map<String, float[]> grads) {}

  /** One step's passes; the gradients read, then zeroed for the next. */
  private static Step step(StepRunner runner, List<Batch> micro, NDManager root) {
    try (NDManager step = root.newSubManager()) {
      StepRunner.Outcome out = runner.run(micro, 0, step);
      Map<String, float[]> grads = new LinkedHashMap<>();
      runner.gradients(step).forEach((k, g) -> grads.put(k, g.toFloatArray()));
      runner.zeroGradients(step);
      return new Step(out.loss(), grads);
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
