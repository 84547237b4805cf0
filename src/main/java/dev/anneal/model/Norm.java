package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import dev.anneal.preset.ModelSpec;

/** LayerNorm (GPT-2, weight and optional bias) or RMSNorm (Llama, weight only) over C. */
final class Norm {
  private final NDArray weight;
  private final NDArray bias;
  private final boolean rms;
  private final float eps;

  private Norm(NDArray weight, NDArray bias, boolean rms, float eps) {
    this.weight = weight;
    this.bias = bias;
    this.rms = rms;
    this.eps = eps;
  }

  /** A norm at module path {@code path}: {@code path.weight} (and {@code path.bias}). */
  static Norm create(Weights w, String path) {
    ModelSpec m = w.spec;
    long c = m.hidden();
    NDArray weight = w.constant(path + ".weight", 1, Param.Kind.BASE, c);
    boolean rms = m.norm() == dev.anneal.preset.Norm.RMSNORM;
    NDArray bias = null;
    if (!rms) {
      // libtorch's layer_norm wants a bias; a model without one gets a zero array, not a parameter.
      bias = m.normBias() ? w.constant(path + ".bias", 0, Param.Kind.BASE, c) : w.zeros(c);
    }
    return new Norm(weight, bias, rms, m.normEps().floatValue());
  }

  /** x (..., C) → (..., C). */
  NDArray forward(NDArray x) {
    return rms ? Ops.rmsNorm(x, weight, eps) : Ops.layerNorm(x, weight, bias, eps);
  }
}
