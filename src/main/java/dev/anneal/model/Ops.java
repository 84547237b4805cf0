package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;

/**
 * The few fused libtorch kernels DJL exposes only through its internal interface, and the
 * compositions DJL lacks (RMSNorm, SiLU). Every result belongs to the manager of the first
 * (activation) argument, so intermediates land in the caller's per-step manager.
 */
final class Ops {
  private Ops() {}

  /** y = x·Wᵀ + b in one libtorch call; x (..., in), w [out, in], b [out] or null → (..., out). */
  static NDArray linear(NDArray x, NDArray w, NDArray b) {
    return x.getNDArrayInternal().linear(x, w, b).singletonOrThrow();
  }

  /** Rows of table [V, C] picked by ids (...) int64 → (..., C). */
  static NDArray embedding(NDArray ids, NDArray table) {
    return ids.getNDArrayInternal().embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
  }

  /** LayerNorm over the last axis (width C); bias may be a zero buffer. */
  static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, float eps) {
    long c = x.getShape().get(x.getShape().dimension() - 1);
    return x.getNDArrayInternal().layerNorm(x, new Shape(c), weight, bias, eps).singletonOrThrow();
  }

  /** RMSNorm over the last axis: x / sqrt(mean(x²) + eps) · w, as Llama computes it in fp32. */
  static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
    // add(eps) keeps no scalar for the backward; pow(-0.5) would (see scale()).
    NDArray rms = x.square().mean(new int[] {-1}, true).add(eps).sqrt();
    return x.div(rms).mul(weight);
  }

  /**
   * x · v for a constant v, safe under autograd. DJL's {@code mul(Number)} wraps v in a Java buffer
   * ({@code from_blob}) and closes it after the op, but autograd keeps that tensor for the
   * backward: after a garbage collection the backward multiplies by freed memory (seen as gradients
   * of 1e13 or NaN every few runs). A libtorch-owned scalar from {@code full} lives as long as the
   * graph needs it.
   */
  static NDArray scale(NDArray x, double v) {
    // A bf16 x reports UNKNOWN (DJL names no bf16) and full() of that would abort: a float32
    // 0-d scalar keeps x's dtype under libtorch's promotion rules anyway.
    DataType type = x.getDataType() == DataType.UNKNOWN ? DataType.FLOAT32 : x.getDataType();
    return x.mul(x.getManager().full(new Shape(), (float) v, type));
  }

  /** SiLU (swish): x·σ(x). */
  static NDArray silu(NDArray x) {
    return x.mul(x.getNDArrayInternal().sigmoid());
  }

  /** GELU in its exact (erf) form, one libtorch kernel. */
  static NDArray gelu(NDArray x) {
    return x.getNDArrayInternal().gelu();
  }
}
