package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.anneal.engine.FusedAttention;
import dev.anneal.engine.LibtorchSoftmax;

/**
 * Scaled dot-product attention with grouped-query heads: libtorch's fused kernel where it can be
 * called ({@link FusedAttention}, full forwards without attention dropout), else composed from
 * matmuls (DJL exposes no fused kernel); tests hold the two equal. The G = H/Hkv query heads that
 * share a KV head are folded into the time axis, so K and V are never repeated: q (B, Hkv, G·T, D)
 * · kᵀ (B, Hkv, D, S).
 */
final class Attention {
  private Attention() {}

  /**
   * @param q queries (B, H, T, D), already rotated when the family uses RoPE
   * @param k keys (B, Hkv, S, D)
   * @param v values (B, Hkv, S, D)
   * @param mask additive mask (B or 1, 1, 1, T, S), or null when every key may be seen
   * @return the heads concatenated, (B, T, H·D)
   */
  static NDArray attend(
      NDArray q, NDArray k, NDArray v, NDArray mask, ForwardPass pass, double dropout) {
    long b = q.getShape().get(0), h = q.getShape().get(1), t = q.getShape().get(2);
    long d = q.getShape().get(3), hkv = k.getShape().get(1), s = k.getShape().get(2);
    long g = h / hkv;
    // libtorch's fused kernel keeps no (T, S) scores, and with the plain causal mask skips the
    // blocks above the diagonal; on CUDA it is the flash or memory-efficient kernel (the latter
    // takes the packed-document mask). float64 gradient checks compose. On a CPU with AMX its bf16
    // backward measured slower than the composed bf16 products (209–220 vs 189–206 ms a nano
    // step), while in float32 it is faster (329–335 vs 349–352 ms): bf16 passes fuse on GPUs only.
    // On an AVX-512 BF16 CPU without AMX the fused bf16 kernel was slower still (446–453 vs
    // 192–231 ms), and fusing in float32 inside a bf16 pass too (226–374 vs 178–239 ms).
    boolean gpu = q.getDevice().isGpu();
    boolean fuse =
        pass.fusedAttention
            && pass.cache == null
            && (dropout <= 0 || !pass.training)
            && (pass.bf16 ? gpu : q.getDataType() == DataType.FLOAT32);
    if (fuse) {
      boolean causal = pass.causalOnly && t == s;
      NDArray m4 =
          causal || mask == null ? null : pass.own(mask.reshape(mask.getShape().get(0), 1, t, s));
      if (pass.bf16) {
        // One dtype for all four: RoPE's float32 tables promote q and k back to float32.
        q = pass.bf16(q);
        k = pass.bf16(k);
        v = pass.bf16(v);
        if (m4 != null) m4 = pass.bf16(m4);
      }
      NDArray out = FusedAttention.attend(q, k, v, m4, causal, pass.manager);
      return out.transpose(0, 2, 1, 3).reshape(b, t, h * d);
    }
    NDArray qs = Ops.scale(q, 1.0 / Math.sqrt(d)).reshape(b, hkv, g * t, d);
    NDArray scores = pass.matMul(qs, k.transpose(0, 1, 3, 2)).reshape(b, hkv, g, t, s);
    NDArray p = probabilities(scores, mask, pass).reshape(b, hkv, g * t, s);
    p = pass.dropout(p, dropout);
    return pass.matMul(p, v).reshape(b, h, t, d).transpose(0, 2, 1, 3).reshape(b, t, h * d);
  }

  /**
   * softmax(scores + mask) over the keys. In a bf16 pass the scores come out of a bf16 product, and
   * the masked add, the softmax (libtorch's kernel sums each row in float32) and its backward stay
   * in bf16: the probabilities are rounded to bf16 for p·v in any case. The float32 detour (the add
   * writing float32, a float32 softmax, the cast down, and each of those again in the backward)
   * moved three times the bytes of the (B, H, T, S) scores per layer and direction.
   */
  private static NDArray probabilities(NDArray scores, NDArray mask, ForwardPass pass) {
    if (pass.bf16 && LibtorchSoftmax.available()) {
      NDArray masked = mask == null ? scores : pass.bf16(scores).add(pass.bf16(mask));
      return LibtorchSoftmax.lastAxis(pass.bf16(masked), pass.manager);
    }
    return pass.float32(mask == null ? scores : scores.add(mask)).softmax(-1);
  }

  /** (B, T, N·D) → (B, N, T, D). */
  static NDArray heads(NDArray x, long n, long d) {
    long b = x.getShape().get(0), t = x.getShape().get(1);
    return x.reshape(b, t, n, d).transpose(0, 2, 1, 3);
  }
}
