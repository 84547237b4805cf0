package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** Masked next-token cross-entropy against log-softmax written out in doubles. */
class LmLossTest extends ModelTestBase {
  @Test
  void meanOverCountedTokensOnly() {
    int b = 2, t = 3, v = 5;
    float[] logits = TinyModels.randomFloats(4, b * t * v, 2.0);
    long[] targets = {1, 4, 0, 2, 2, 3};
    boolean[] mask = {true, false, true, true, true, false};
    double sum = 0;
    int counted = 0;
    for (int i = 0; i < b * t; i++) {
      if (!mask[i]) continue;
      double max = Double.NEGATIVE_INFINITY, z = 0;
      for (int j = 0; j < v; j++) max = Math.max(max, logits[i * v + j]);
      for (int j = 0; j < v; j++) z += Math.exp(logits[i * v + j] - max);
      sum += -(logits[i * v + (int) targets[i]] - max - Math.log(z));
      counted++;
    }
    var l = m.create(logits, new Shape(b, t, v));
    var tg = m.create(targets, new Shape(b, t));
    float masked = LmLoss.crossEntropy(l, tg, m.create(mask, new Shape(b, t))).getFloat();
    assertThat((double) masked).isCloseTo(sum / counted, within(1e-5));
    float all = LmLoss.crossEntropy(l, tg, null).getFloat();
    assertThat(all).isNotCloseTo(masked, within(1e-3f));
    float none = LmLoss.crossEntropy(l, tg, m.zeros(new Shape(b, t))).getFloat();
    assertThat(none).as("nothing counted: zero, not NaN").isZero();
  }
}
