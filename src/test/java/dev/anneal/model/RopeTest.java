package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.RopeScaling;
import org.junit.jupiter.api.Test;

/** RoPE and YaRN against their formulas, computed here in double precision. */
class RopeTest extends ModelTestBase {
  private static final int D = 16; // head size of a 64-wide, 4-head model
  private static final double THETA = 10_000;

  private static ModelSpec spec(RopeScaling scaling) {
    return ModelSpec.builder(Family.LLAMA)
        .size(2, 64, 4, 50, 64)
        .kvHeads(2)
        .intermediate(128)
        .ropeTheta(THETA)
        .ropeScaling(scaling)
        .build();
  }

  @Test
  void plainFrequenciesAreThetaToTheMinusTwoIOverD() {
    float[] inv = Rope.inverseFrequencies(spec(null));
    for (int i = 0; i < D / 2; i++) {
      assertThat((double) inv[i]).isCloseTo(Math.pow(THETA, -2.0 * i / D), within(1e-7 * inv[0]));
    }
  }

  @Test
  void linearScalingDividesEveryFrequency() {
    float[] inv =
        Rope.inverseFrequencies(spec(new RopeScaling("linear", 4.0, 16, null, null, null)));
    for (int i = 0; i < D / 2; i++) {
      assertThat((double) inv[i]).isCloseTo(Math.pow(THETA, -2.0 * i / D) / 4, within(1e-8));
    }
  }

  @Test
  void yarnKeepsFastBandsInterpolatesSlowOnesAndRampsBetween() {
    // YaRN (Peng et al. 2023, eq. 17-18): wavelength λᵢ = 2π/θᵢ; r = L/λᵢ rotations over the
    // original context L. r > β_fast: keep θᵢ; r < β_slow: θᵢ/s; between: a linear ramp in the
    // dimension index, whose bounds transformers rounds outward (floor, ceil).
    double s = 4, betaFast = 32, betaSlow = 1;
    int original = 2048; // seed 004's; bands 0-2 keep, 3-5 ramp, 6-7 interpolate at D = 16
    float[] inv =
        Rope.inverseFrequencies(
            spec(new RopeScaling("yarn", s, original, betaFast, betaSlow, 1.0)));
    double low =
        Math.floor(D * Math.log(original / (betaFast * 2 * Math.PI)) / (2 * Math.log(THETA)));
    double high =
        Math.ceil(D * Math.log(original / (betaSlow * 2 * Math.PI)) / (2 * Math.log(THETA)));
    low = Math.max(low, 0);
    high = Math.min(high, D - 1);
    for (int i = 0; i < D / 2; i++) {
      double theta = Math.pow(THETA, -2.0 * i / D);
      double gamma = i <= low ? 1 : i >= high ? 0 : 1 - (i - low) / (high - low);
      double want = theta / s * (1 - gamma) + theta * gamma;
      assertThat((double) inv[i]).as("band %d", i).isCloseTo(want, within(1e-7 * theta));
    }
    assertThat(low).isEqualTo(2);
    assertThat(high).isEqualTo(6);
    assertThat(Rope.attentionFactor(new RopeScaling("yarn", s, original, null, null, 1.0)))
        .isCloseTo(0.1 * Math.log(s) + 1, within(1e-12));
  }

  @Test
  void applyingRotatesEachPairOfHalvesByPositionTimesFrequencyAndScalesByTheAttentionFactor() {
    RopeScaling yarn = new RopeScaling("yarn", 2.0, 32, 32.0, 1.0, 1.0);
    ModelSpec spec = spec(yarn);
    Rope rope = Rope.create(spec, m);
    int t = 40;
    ForwardPass pass = new ForwardPass(m, false, 0, null, null, false);
    rope.select(pass, 3, t);
    float[] x = TinyModels.randomFloats(1, t * D, 1.0);
    float[] y = Rope.apply(m.create(x, new Shape(1, 1, t, D)), pass.cos, pass.sin).toFloatArray();
    float[] inv = Rope.inverseFrequencies(spec);
    double mscale = 0.1 * Math.log(2.0) + 1;
    for (int row = 0; row < t; row++) {
      int pos = row + 3;
      for (int i = 0; i < D / 2; i++) {
        double a = pos * (double) inv[i];
        double x1 = x[row * D + i], x2 = x[row * D + i + D / 2];
        assertThat((double) y[row * D + i])
            .isCloseTo(mscale * (x1 * Math.cos(a) - x2 * Math.sin(a)), within(2e-5));
        assertThat((double) y[row * D + i + D / 2])
            .isCloseTo(mscale * (x2 * Math.cos(a) + x1 * Math.sin(a)), within(2e-5));
      }
    }
  }

  @Test
  void rotatedDotProductsDependOnlyOnTheDistance() {
    Rope rope = Rope.create(spec(null), m);
    float[] q = TinyModels.randomFloats(2, D, 1.0);
    float[] k = TinyModels.randomFloats(3, D, 1.0);
    assertThat(dot(rope, q, 10, k, 4)).isCloseTo(dot(rope, q, 30, k, 24), within(1e-4));
    assertThat(dot(rope, q, 10, k, 4)).isNotCloseTo(dot(rope, q, 10, k, 8), within(1e-3));
  }

  private double dot(Rope rope, float[] q, int qPos, float[] k, int kPos) {
    float[] a = rotated(rope, q, qPos), b = rotated(rope, k, kPos);
    double s = 0;
    for (int i = 0; i < D; i++) s += a[i] * b[i];
    return s;
  }

  private float[] rotated(Rope rope, float[] v, int pos) {
    ForwardPass pass = new ForwardPass(m, false, 0, null, null, false);
    rope.select(pass, pos, 1);
    NDArray x = m.create(v, new Shape(1, 1, 1, D));
    return Rope.apply(x, pass.cos, pass.sin).toFloatArray();
  }
}
