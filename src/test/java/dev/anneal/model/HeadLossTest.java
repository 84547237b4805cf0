package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.anneal.engine.LibtorchCast;
import dev.anneal.engine.MixedPrecision;
import dev.anneal.preset.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The chunked head and loss ({@link HeadLoss}) against the head's logits fed to {@link
 * LmLoss#crossEntropy}: in float64 the value and every gradient (the head's input, the head's
 * weight, and through the model every parameter) agree within 1e-9, for chunks that split the rows
 * unevenly, with and without a mask; in a bf16 pass within bf16's precision.
 */
class HeadLossTest extends ModelTestBase {
  private static final int B = 3, T = 7, C = 6, V = 13;

  @Test
  void unevenChunksGiveTheComposedLossAndGradients() {
    for (long chunkRows : new long[] {1, 4, 21, 64}) {
      compareOnTensors(chunkRows, null, DataType.FLOAT64, false, 1e-9);
    }
  }

  @Test
  void weightedAndMaskedRowsGiveTheComposedLossAndGradients() {
    double[] mask = new double[B * T];
    Random r = new Random(2);
    for (int i = 0; i < mask.length; i++) mask[i] = i % 4 == 1 ? 0 : r.nextDouble() * 2;
    compareOnTensors(5, mask, DataType.FLOAT64, false, 1e-9);
  }

  @Test
  void inABf16PassItMatchesTheComposedBf16Head() {
    assumeTrue(
        LibtorchCast.available() && MixedPrecision.obstacleHere() == null,
        "bf16 products are off on this machine");
    // Both sides multiply in bf16; they differ in where the bf16 rounding of dW happens.
    compareOnTensors(5, null, DataType.FLOAT32, true, 2e-3);
  }

  @Test
  void aModelsTrainingLossHasTheGradientsOfItsLogitsLoss() {
    for (ModelSpec spec : new ModelSpec[] {TinyModels.gpt2(), TinyModels.llama()}) {
      try (CausalLm lm = CausalLm.create(spec, null, m, 3, DataType.FLOAT64)) {
        Map<String, NDArray> params = lm.trainableParameters();
        double[] mask = new double[2 * 9];
        for (int i = 0; i < mask.length; i++) mask[i] = i % 3 == 0 ? 0 : 1;
        Map<String, double[]> expected = new LinkedHashMap<>();
        double viaLogits =
            modelGradients(
                lm,
                params,
                expected,
                (ids, tm) -> {
                  NDArray logits = lm.forward(ids, null, true).logits();
                  return LmLoss.crossEntropy(logits, tm[0], tm[1]);
                },
                mask);
        Map<String, double[]> actual = new LinkedHashMap<>();
        double chunked =
            modelGradients(
                lm,
                params,
                actual,
                (ids, tm) -> lm.trainingLoss(ids, null, tm[0], tm[1]).loss(),
                mask);
        assertThat(chunked).isCloseTo(viaLogits, within(1e-9));
        for (String name : expected.keySet()) {
          double[] e = expected.get(name), a = actual.get(name);
          for (int i = 0; i < e.length; i++) {
            assertThat(a[i]).as("%s %s[%d]", spec.family(), name, i).isCloseTo(e[i], within(1e-9));
          }
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
      }
    }
  }

  @Test
  void evaluationLossesInChunksEqualThoseOfTheWholeLogits() {
    for (ModelSpec spec : new ModelSpec[] {TinyModels.gpt2(), TinyModels.llama()}) {
      try (CausalLm lm = CausalLm.create(spec, null, m, 3, DataType.FLOAT64);
          NDManager step = m.newSubManager()) {
        NDArray ids = TinyModels.ids(step, 4, 2, 9);
        NDArray targets = TinyModels.ids(step, 5, 2, 9);
        double[] whole =
            doubles(LmLoss.tokenLosses(lm.forward(ids, null, false).logits(), targets));
        double[] model = doubles(lm.tokenLosses(ids, null, targets));
        assertThat(model).hasSize(whole.length);
        for (int i = 0; i < whole.length; i++) {
          assertThat(model[i])
              .as("%s position %d", spec.family(), i)
              .isCloseTo(whole[i], within(1e-5));
        }
        // Rows split into uneven chunks give the same losses.
        ForwardPass pass = new ForwardPass(step, false, 0, null, null, false);
        NDArray h = step.randomNormal(new Shape(2, 9, C), DataType.FLOAT64);
        NDArray w = step.randomNormal(new Shape(V, C), DataType.FLOAT64);
        NDArray tg = step.randomInteger(0, V, new Shape(2, 9), DataType.INT64);
        double[] composed = doubles(LmLoss.tokenLosses(Ops.linear(h, w, null), tg));
        double[] chunked = doubles(HeadLoss.tokenLosses(h, w, tg, pass, 5));
        for (int i = 0; i < composed.length; i++) {
          assertThat(chunked[i]).as("chunked position %d", i).isCloseTo(composed[i], within(1e-6));
        }
      }
    }
  }

  private interface Loss {
    NDArray of(NDArray ids, NDArray[] targetsAndMask);
  }

  private double modelGradients(
      CausalLm lm,
      Map<String, NDArray> params,
      Map<String, double[]> out,
      Loss loss,
      double[] mask) {
    double value;
    try (NDManager step = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray ids = TinyModels.ids(step, 4, 2, 9);
      NDArray targets = TinyModels.ids(step, 5, 2, 9);
      NDArray weights = step.create(mask, new Shape(2, 9));
      NDArray l = loss.of(ids, new NDArray[] {targets, weights});
      value = l.getDouble();
      gc.backward(l);
    }
    for (var e : params.entrySet()) {
      NDArray g = e.getValue().getGradient();
      out.put(e.getKey(), g.toDoubleArray());
      g.subi(g);
      g.close();
    }
    return value;
  }

  /** Value and gradients (h, w) of the chunked loss and of the composed one, compared. */
  private void compareOnTensors(
      long chunkRows, double[] mask, DataType type, boolean bf16, double tolerance) {
    Random r = new Random(chunkRows);
    double[] h = new double[B * T * C];
    for (int i = 0; i < h.length; i++) h[i] = r.nextGaussian();
    double[] w = new double[V * C];
    for (int i = 0; i < w.length; i++) w[i] = r.nextGaussian();
    long[] targets = new long[B * T];
    for (int i = 0; i < targets.length; i++) targets[i] = r.nextInt(V);
    double[][] chunked =
        run(
            h,
            w,
            targets,
            mask,
            type,
            bf16,
            pass -> (x, weight, tg, mk) -> HeadLoss.loss(x, weight, tg, mk, pass, chunkRows));
    double[][] composed =
        run(
            h,
            w,
            targets,
            mask,
            type,
            bf16,
            pass ->
                (x, weight, tg, mk) ->
                    LmLoss.crossEntropy(pass.float32(pass.linear(x, weight, null)), tg, mk));
    assertThat(chunked[0][0]).isCloseTo(composed[0][0], within(tolerance));
    for (int part = 1; part <= 2; part++) {
      double largest = 0;
      for (int i = 0; i < composed[part].length; i++) {
        assertThat(chunked[part][i])
            .as("%s gradient %d (chunks of %d)", part == 1 ? "h" : "w", i, chunkRows)
            .isCloseTo(composed[part][i], within(tolerance));
        largest = Math.max(largest, Math.abs(composed[part][i]));
      }
      assertThat(largest).as("a gradient to compare").isGreaterThan(1e-3);
    }
  }

  private interface HeadObjective {
    NDArray loss(NDArray h, NDArray w, NDArray targets, NDArray mask);
  }

  /**
   * @return {{value}, dh, dw}
   */
  private double[][] run(
      double[] hValues,
      double[] wValues,
      long[] targets,
      double[] mask,
      DataType type,
      boolean bf16,
      Function<ForwardPass, HeadObjective> objective) {
    try (NDManager step = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray h = step.create(hValues, new Shape(B, T, C)).toType(type, false);
      NDArray w = step.create(wValues, new Shape(V, C)).toType(type, false);
      h.setRequiresGradient(true);
      w.setRequiresGradient(true);
      NDArray tg = step.create(targets, new Shape(B, T));
      NDArray mk = mask == null ? null : step.create(mask, new Shape(B, T)).toType(type, false);
      ForwardPass pass = new ForwardPass(step, true, 0, null, null, bf16);
      NDArray loss = objective.apply(pass).loss(h, w, tg, mk);
      double value = doubles(loss)[0];
      gc.backward(loss);
      return new double[][] {{value}, doubles(h.getGradient()), doubles(w.getGradient())};
    }
  }

  private static double[] doubles(NDArray a) {
    return a.toType(DataType.FLOAT64, false).toDoubleArray();
  }
}
