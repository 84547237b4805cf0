package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.anneal.AppEnvironment;
import dev.anneal.model.CausalLm;
import dev.anneal.model.LmLoss;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A step's loss is the mean over every counted target of its micro batches, not the mean of the
 * micro batches' means: an instruction mask can leave one micro batch with a handful of trained
 * targets and another with hundreds.
 */
class StepLossWeightingTest {
  private static Batch batch(SplittableRandom rnd, int rows, int cols, int trainedPerRow) {
    long[] ids = new long[rows * cols],
        targets = new long[rows * cols],
        docs = new long[rows * cols];
    float[] mask = new float[rows * cols];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = 2 + rnd.nextInt(60);
      targets[i] = 2 + rnd.nextInt(60);
      mask[i] = i % cols < trainedPerRow ? 1f : 0f;
    }
    return new Batch(rows, cols, ids, targets, docs, mask);
  }

  @Test
  void theStepLossWeighsMicroBatchesByTheirCountedTargets() {
    AppEnvironment.configure();
    Preset p = PresetLoader.parse(TinyDataset.preset("w", "llama", 10), "w");
    SplittableRandom rnd = new SplittableRandom(5);
    Batch few = batch(rnd, 2, 16, 1); // 2 counted targets
    Batch many = batch(rnd, 2, 16, 16); // 32 counted targets
    try (NDManager root = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(p.model(), null, root, 3)) {
      double expected = 0;
      for (Batch b : List.of(few, many)) {
        try (NDManager m = root.newSubManager()) {
          Shape s = new Shape(b.rows(), b.cols());
          double mean =
              LmLoss.crossEntropy(
                      model.forward(m.create(b.ids(), s), null, false).logits(),
                      m.create(b.targets(), s),
                      m.create(b.mask(), s))
                  .getFloat();
          expected += mean * b.countedTokens();
        }
      }
      expected /= few.countedTokens() + many.countedTokens();
      StepRunner runner = new StepRunner(model, model.trainableParameters(), null, false);
      try (NDManager step = root.newSubManager()) {
        StepRunner.Outcome out = runner.run(List.of(few, many), 0, step);
        assertThat(out.loss()).isCloseTo(expected, within(1e-5));
        runner.zeroGradients(step);
      }
    }
  }
}
