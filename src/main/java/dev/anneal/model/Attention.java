package dev.anneal.model;

import ai.djl.ndarray.NDArray;

/**
 * Scaled dot-product attention with grouped-query heads, composed from libtorch matmuls (DJL has
 * no fused kernel). The G = H/Hkv query heads that share a KV head are folded into the time axis,
 * so K and V are never repeated: q (B, Hkv, G·T, D) · kᵀ (B, Hkv, D, S).
 */
final class Attention {
  private Attention() {}

  /**
   * @param q    queries (B, H, T, D), already rotated when the family uses RoPE
   * @param k    keys (B, Hkv, S, D)
   * @param v    values (B, Hkv, S, D)
   * @param mask additive mask (B or 1, 1, 1, T, S), or null when every key may be seen
   * @return the heads concatenated, (B, T, H·D)
   */
  static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, ForwardPass pass,
      double dropout) {
    long b = q.getShape().get(0), h = q.getShape().get(1), t = q.getShape().get(2);
    long d = q.getShape().get(3), hkv = k.getShape().get(1), s = k.getShape().get(2);
    long g = h / hkv;
    NDArray qs = Ops.scale(q, 1.0 / Math.sqrt(d)).reshape(b, hkv, g * t, d);
    NDArray scores = pass.matMul(qs, k.transpose(0, 1, 3, 2)).reshape(b, hkv, g, t, s);
    NDArray p = pass.float32(mask == null ? scores : scores.add(mask)).softmax(-1).reshape(b, hkv, g * t, s);
    p = pass.dropout(p, dropout);
    return pass.matMul(p, v).reshape(b, h, t, d).transpose(0, 2, 1, 3).reshape(b, t, h * d);
  }

  /** (B, T, N·D) → (B, N, T, D). */
  static NDArray heads(NDArray x, long n, long d) {
    long b = x.getShape().get(0), t = x.getShape().get(1);
    return x.reshape(b, t, n, d).transpose(0, 2, 1, 3);
  }
}
