package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Instruction tuning trains only the assistant's tokens: positions under a zero mask must get
 * exactly zero gradient, whatever their targets are.
 */
class MaskedLossGradientTest extends ModelTestBase {
  private static final int B = 2, T = 6, V = 7;
  private static final float[] MASK = {0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1};

  @Test
  void maskedPositionsOfTheLogitsGetExactlyZeroAndTheOthersSoftmaxMinusOneHot() {
    float[] values = TinyModels.randomFloats(9, B * T * V, 1.5);
    long[] targets = {1, 6, 0, 3, 2, 5, 4, 4, 1, 0, 6, 2};
    NDArray logits = m.create(values, new Shape(B, T, V));
    logits.setRequiresGradient(true);
    try (var gc = Engine.getInstance().newGradientCollector()) {
      gc.backward(
          LmLoss.crossEntropy(
              logits, m.create(targets, new Shape(B, T)), m.create(MASK, new Shape(B, T))));
    }
    float[] grad = logits.getGradient().toFloatArray();
    int counted = 0;
    for (float x : MASK) if (x != 0) counted++;
    for (int i = 0; i < B * T; i++) {
      double max = Double.NEGATIVE_INFINITY, z = 0;
      for (int j = 0; j < V; j++) max = Math.max(max, values[i * V + j]);
      for (int j = 0; j < V; j++) z += Math.exp(values[i * V + j] - max);
      for (int j = 0; j < V; j++) {
        float g = grad[i * V + j];
        if (MASK[i] == 0) {
          assertThat(g).as("position %d, class %d", i, j).isEqualTo(0f);
        } else {
          double p = Math.exp(values[i * V + j] - max) / z;
          double want = (p - (j == targets[i] ? 1 : 0)) / counted;
          assertThat((double) g).as("position %d, class %d", i, j).isCloseTo(want, within(1e-6));
        }
      }
    }
  }

  @Test
  void parameterGradientsDoNotDependOnTheTargetsOfMaskedPositions() {
    try (CausalLm lm = CausalLm.create(TinyModels.llama(), null, m, 21)) {
      NDArray ids = TinyModels.ids(m, 3, B, T);
      long[] targets = ids.toLongArray();
      long[] other = targets.clone();
      for (int i = 0; i < other.length; i++) {
        if (MASK[i] == 0) other[i] = (other[i] + 17) % TinyModels.VOCAB;
      }
      Map<String, float[]> a = gradients(lm, ids, targets);
      Map<String, float[]> b = gradients(lm, ids, other);
      assertThat(a.keySet()).isNotEmpty();
      double total = 0;
      for (String name : a.keySet()) {
        assertThat(b.get(name)).as(name).containsExactly(a.get(name));
        for (float x : a.get(name)) total += Math.abs(x);
      }
      assertThat(total).as("the counted positions do train").isGreaterThan(0);
    }
  }

  private Map<String, float[]> gradients(CausalLm lm, NDArray ids, long[] targets) {
    Map<String, float[]> grads = new LinkedHashMap<>();
    try (var step = m.newSubManager()) {
      try (var gc = Engine.getInstance().newGradientCollector()) {
        NDArray logits = lm.forward(ids, null, true).logits();
        gc.backward(
            LmLoss.crossEntropy(
                logits, step.create(targets, new Shape(B, T)), step.create(MASK, new Shape(B, T))));
      }
      for (var e : lm.trainableParameters().entrySet()) {
        NDArray g = e.getValue().getGradient();
        grads.put(e.getKey(), g.toFloatArray());
        g.set(new NDIndex("..."), 0f);
      }
    }
    return grads;
  }
}
