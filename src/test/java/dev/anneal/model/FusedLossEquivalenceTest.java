package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The loss that makes its gradient in the forward ({@link LmLoss}) against the composition it
 * replaced (log-softmax, gather, weighted mean, all under autograd), in float64: value and gradient
 * within 1e-6 with weighted and masked-out positions, no mask, and nothing counted.
 */
class FusedLossEquivalenceTest extends ModelTestBase {
  private static final int B = 3, T = 5, V = 11;

  /** The former implementation, kept here as the reference. */
  private static NDArray composed(NDArray logits, NDArray targets, NDArray mask) {
    NDArray picked = logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1);
    if (mask == null) return picked.mean().neg();
    NDArray weight = mask.toType(logits.getDataType(), false);
    return picked.mul(weight).sum().neg().div(weight.sum().maximum(1f));
  }

  @Test
  void weightedAndMaskedPositionsMatchTheComposedLossInValueAndGradient() {
    // Token weights as the trainer passes them: zero (padding, prompt), one, and uneven shares;
    // masked positions hold targets that must not matter.
    double[] mask = {1, 0, 1, 0.5, 2, 0, 1, 1, 0.25, 0, 1, 3, 1, 0, 1};
    compare(m.create(mask, new Shape(B, T)));
  }

  @Test
  void noMaskCountsEveryPosition() {
    compare(null);
  }

  @Test
  void nothingCountedGivesZeroAndZeroGradient() {
    double[] both = compare(m.zeros(new Shape(B, T), DataType.FLOAT64));
    assertThat(both[0]).isZero();
  }

  @Test
  void aFarOffTargetKeepsAFiniteLossInFloat32() {
    // p(target) = e^-200 underflows float32; the log-sum-exp must not go through it.
    float[] logits = new float[V];
    logits[0] = 100f;
    logits[1] = -100f;
    NDArray x = m.create(logits, new Shape(1, 1, V));
    NDArray tg = m.create(new long[] {1}, new Shape(1, 1));
    float fused = LmLoss.crossEntropy(x, tg, null).getFloat();
    float reference = composed(x, tg, null).getFloat();
    assertThat(fused).isCloseTo(reference, within(1e-3f)).isCloseTo(200f, within(1e-3f));
  }

  /**
   * @return {fused value, composed value}
   */
  private double[] compare(NDArray mask) {
    Random r = new Random(5);
    double[] values = new double[B * T * V];
    for (int i = 0; i < values.length; i++) values[i] = r.nextGaussian() * 3;
    long[] targets = new long[B * T];
    for (int i = 0; i < targets.length; i++) targets[i] = r.nextInt(V);
    NDArray tg = m.create(targets, new Shape(B, T));
    double[][] fused = valueAndGradient(values, x -> LmLoss.crossEntropy(x, tg, mask));
    double[][] reference = valueAndGradient(values, x -> composed(x, tg, mask));
    assertThat(fused[0][0]).isCloseTo(reference[0][0], within(1e-6));
    assertThat(fused[1]).hasSize(values.length);
    double norm = 0;
    for (int i = 0; i < values.length; i++) {
      assertThat(fused[1][i]).as("gradient %d", i).isCloseTo(reference[1][i], within(1e-6));
      norm += Math.abs(reference[1][i]);
    }
    if (mask == null || mask.sum().getDouble() > 0)
      assertThat(norm).as("a gradient to compare").isGreaterThan(0.1);
    return new double[] {fused[0][0], reference[0][0]};
  }

  private double[][] valueAndGradient(
      double[] values, java.util.function.UnaryOperator<NDArray> loss) {
    NDArray x = m.create(values, new Shape(B, T, V));
    x.setRequiresGradient(true);
    double value;
    try (var gc = Engine.getInstance().newGradientCollector()) {
      NDArray l = loss.apply(x);
      value = l.getDouble();
      gc.backward(l);
    }
    return new double[][] {{value}, x.getGradient().toDoubleArray()};
  }
}
