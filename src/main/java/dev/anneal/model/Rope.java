package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.RopeScaling;

/**
 * Rotary position embeddings as Hugging Face transformers applies them: {@code rotate_half} (the
 * first half of each head pairs with the second half), inv_freq_i = 1 / θ^(2i/D), and optionally
 * linear or YaRN scaling of those frequencies with YaRN's attention factor folded into cos and sin
 * (so q·k scales by its square, as in transformers).
 *
 * <p>The tables cos, sin (P, D) are computed once in Java for the model's context P; a forward
 * takes the rows of its positions.
 */
final class Rope {
  private final NDArray cos;
  private final NDArray sin;
  private final int context;

  private Rope(NDArray cos, NDArray sin, int context) {
    this.cos = cos;
    this.sin = sin;
    this.context = context;
  }

  static Rope create(ModelSpec m, NDManager manager) {
    int d = m.headDim();
    int p = m.context();
    float[] invFreq = inverseFrequencies(m);
    float scale = (float) attentionFactor(m.ropeScaling());
    float[] c = new float[p * d];
    float[] s = new float[p * d];
    for (int pos = 0; pos < p; pos++) {
      for (int i = 0; i < d / 2; i++) {
        // fp32 product, as transformers computes freqs = inv_freq @ position_ids in float32.
        float angle = invFreq[i] * (float) pos;
        float cv = (float) Math.cos(angle) * scale;
        float sv = (float) Math.sin(angle) * scale;
        c[pos * d + i] = cv;
        c[pos * d + i + d / 2] = cv;
        s[pos * d + i] = sv;
        s[pos * d + i + d / 2] = sv;
      }
    }
    return new Rope(manager.create(c, new Shape(p, d)), manager.create(s, new Shape(p, d)), p);
  }

  /** Frees the tables (when a phase of training switches to another scaling). */
  void close() {
    cos.close();
    sin.close();
  }

  /** Puts the (T, D) rows for positions offset … offset+T−1 on the pass. */
  void select(ForwardPass pass, int offset, int t) {
    if (offset + t > context) {
      throw new IllegalArgumentException(
          "positions up to " + (offset + t) + " exceed the model's context " + context);
    }
    NDIndex rows = new NDIndex().addSliceDim(offset, offset + t);
    pass.cos = cos.get(pass.manager, rows);
    pass.sin = sin.get(pass.manager, rows);
  }

  /** x·cos + rotate_half(x)·sin for x (B, N, T, D) with N heads; cos, sin (T, D). */
  static NDArray apply(NDArray x, NDArray cos, NDArray sin) {
    long d = x.getShape().get(3);
    var halves = x.split(new long[] {d / 2}, 3);
    NDArray rotated = halves.get(1).neg().concat(halves.get(0), 3);
    return x.mul(cos).add(rotated.mul(sin));
  }

  /**
   * inv_freq (D/2) for the model's θ and scaling, as transformers' {@code
   * _compute_default_rope_parameters}, {@code _compute_linear_scaling_rope_parameters} and {@code
   * _compute_yarn_parameters} (explicit factor; correction range from the original context,
   * floored/ceiled; linear ramp between the bounds).
   */
  static float[] inverseFrequencies(ModelSpec m) {
    int d = m.headDim();
    double base = m.ropeTheta();
    float[] inv = new float[d / 2];
    RopeScaling rs = m.ropeScaling();
    double low = 0, high = 0;
    boolean yarn = rs != null && rs.type().equals("yarn");
    if (yarn) {
      int original = rs.originalContext() != null ? rs.originalContext() : m.context();
      low = Math.max(Math.floor(correctionDim(rs.betaFast(), d, base, original)), 0);
      high = Math.min(Math.ceil(correctionDim(rs.betaSlow(), d, base, original)), d - 1);
      if (low == high) high += 0.001; // as transformers: avoid a zero-width ramp
    }
    for (int i = 0; i < d / 2; i++) {
      double posFreq = Math.pow(base, (2.0 * i) / d);
      double extrapolation = 1.0 / posFreq;
      double f;
      if (rs == null) {
        f = extrapolation;
      } else if (!yarn) { // linear: positions divided by factor
        f = extrapolation / rs.factor();
      } else {
        double interpolation = 1.0 / (rs.factor() * posFreq);
        double ramp = Math.clamp((i - low) / (high - low), 0.0, 1.0);
        double extrapolationWeight = 1 - ramp;
        f = interpolation * (1 - extrapolationWeight) + extrapolation * extrapolationWeight;
      }
      inv[i] = (float) f;
    }
    return inv;
  }

  /** YaRN's attention factor: 0.1·mscale·ln(factor) + 1 (1 when factor ≤ 1 or no YaRN). */
  static double attentionFactor(RopeScaling rs) {
    if (rs == null || !rs.type().equals("yarn") || rs.factor() <= 1) return 1.0;
    return 0.1 * rs.mscale() * Math.log(rs.factor()) + 1.0;
  }

  /** The dimension index at which a frequency completes numRotations over maxPositions. */
  private static double correctionDim(double numRotations, int dim, double base, int maxPositions) {
    return dim * Math.log(maxPositions / (numRotations * 2 * Math.PI)) / (2 * Math.log(base));
  }
}
