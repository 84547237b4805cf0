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

  /**
   * A target far below the row's largest logit: its probability underflows float32 to 0, yet its
   * loss is the exact logit gap plus log Σ exp, and its gradient row is the softmax less one-hot.
   */
  @Test
  void farOffTargetsKeepAnExactLossAndTheSoftmaxGradient() {
    float[] row = {0f, 150f, 149f, -60f};
    var x = m.create(row, new Shape(1, 4));
    var target = m.create(new long[] {3}, new Shape(1));
    LmLoss.Rows r = LmLoss.rows(x, target, null);
    double max = 150, z = 0;
    for (float f : row) z += Math.exp(f - max);
    double expected = max - row[3] + Math.log(z); // 210 + log(1 + e^-1)
    assertThat((double) r.nll().getFloat(0)).isCloseTo(expected, within(1e-4));
    float[] g = r.gradient().toFloatArray();
    for (int j = 0; j < 4; j++) {
      double p = Math.exp(row[j] - max) / z;
      assertThat((double) g[j]).as("column " + j).isCloseTo(p - (j == 3 ? 1 : 0), within(1e-6));
    }
    assertThat((double) LmLoss.tokenLosses(x.reshape(1, 1, 4), target.reshape(1, 1)).getFloat(0))
        .isCloseTo(expected, within(1e-4));
  }

  /**
   * Targets of small but representable probability (down to about 1e-26, above the point where the
   * loss is taken from log-softmax instead) keep their exact loss from the picked probabilities.
   */
  @Test
  void unlikelyTargetsKeepAnExactLoss() {
    float[] rows = {0f, 40f, 1f, -20f, 3f, 2f, 1f, 0f, 60f, 0f, 0f, 0f};
    long[] targets = {0, 3, 3};
    var r = LmLoss.rows(m.create(rows, new Shape(3, 4)), m.create(targets, new Shape(3)), null);
    for (int i = 0; i < 3; i++) {
      double max = Double.NEGATIVE_INFINITY, z = 0;
      for (int j = 0; j < 4; j++) max = Math.max(max, rows[i * 4 + j]);
      for (int j = 0; j < 4; j++) z += Math.exp(rows[i * 4 + j] - max);
      double expected = max - rows[i * 4 + (int) targets[i]] + Math.log(z);
      assertThat((double) r.nll().getFloat(i))
          .as("row " + i)
          .isCloseTo(expected, within(2e-5 * expected + 1e-6));
    }
  }
}
