package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.anneal.engine.LibtorchCast;

/**
 * The head and the next-token loss of a training forward, in chunks of rows, each chunk's gradient
 * made on the way: logits (n, V) = h·Wᵀ, the loss rows and G = ∂Σnll/∂logits ({@link LmLoss#rows}),
 * then dh = G·W and dW += Gᵀ·h, before the next chunk. The (B·T, V) logits, their float32 copy and
 * their gradient never exist whole: one chunk's worth does, a few MB that the allocator hands out
 * again chunk after chunk, where whole tensors of a vocabulary's width were fresh pages every step.
 *
 * <p>Autograd gets the gradients through a surrogate Σ h·dh + Σ W·dW, whose value is cancelled out
 * (as {@link LmLoss#crossEntropy} does for the logits): its backward is a scaled copy of dh into
 * the final norm and of dW into the head's weight. Scaled by the loss's weight (a micro batch's
 * share, a clamp), the gradients scale with it. In a bf16 pass the products run in bf16 as the
 * composed head's would, and dW is summed over the chunks in float32.
 */
final class HeadLoss {
  /**
   * Logits elements per chunk: 8 MB in float32, below glibc's largest mmap threshold (32 MB), so a
   * freed chunk's memory is reused instead of unmapped and faulted in again.
   */
  static final long CHUNK_ELEMENTS = 1L << 21;

  private HeadLoss() {}

  /**
   * @param h (B, T, C) the head's input (after the final norm), recorded
   * @param w [V, C] the head's weight; gets a gradient only if it requires one
   * @param targets (B, T) int64 next-token ids
   * @param mask (B, T) weight of each position (nonzero where it counts), or null to count all
   * @param pass owns what is made; bf16 there means bf16 products
   * @return the scalar −Σ mask·log p(target) / max(1, Σ mask), differentiable in h and w
   */
  static NDArray loss(
      NDArray h, NDArray w, NDArray targets, NDArray mask, ForwardPass pass, long chunkRows) {
    long c = h.getShape().get(2);
    long n = h.getShape().size() / c;
    DataType type = h.getDataType(); // float32, or float64 in gradient checks
    NDManager m = pass.manager;
    NDArray hIn = down(h.stopGradient().reshape(n, c), pass.bf16, m);
    NDArray wIn = weightIn(w, pass); // dW reaches w by the surrogate below
    NDArray tokens = targets.reshape(n);
    NDArray weight = mask == null ? null : mask.reshape(n).toType(type, false);
    boolean wantDW = w.hasGradient();
    NDArray dW = null; // (V, C) in h's dtype: the first chunk's product, the others added
    NDList dh = new NDList();
    NDArray nllSum = m.zeros(new Shape(), type);
    for (long s = 0; s < n; s += chunkRows) {
      NDIndex rows = new NDIndex("{}:{}", s, Math.min(n, s + chunkRows));
      try (NDManager chunk = m.newSubManager()) {
        NDArray hc = in(chunk, hIn.get(rows));
        NDArray x = up(Ops.linear(hc, wIn, null), chunk); // (rows, V)
        NDArray wc = weight == null ? null : in(chunk, weight.get(rows));
        LmLoss.Rows r = LmLoss.rows(x, in(chunk, tokens.get(rows)), wc);
        NDArray g = down(r.gradient(), pass.bf16, chunk);
        NDArray dhc = up(g.matMul(wIn), chunk); // (rows, C)
        dhc.attach(m);
        dh.add(dhc);
        if (wantDW) {
          NDArray part = up(g.transpose().matMul(hc), chunk); // a bf16 product summed in float32
          if (dW == null) {
            dW = part;
            dW.attach(m);
          } else dW.addi(part);
        }
        nllSum.addi(r.nll().sum());
      }
    }
    NDArray count =
        weight == null ? m.full(new Shape(), (float) n, type) : weight.sum().maximum(1f);
    NDArray dH = NDArrays.concat(dh).div(count);
    NDArray surrogate = h.reshape(-1).dot(dH.reshape(-1));
    if (dW != null) {
      // Σ W·dW / count: its backward scales dW by the incoming gradient over count, one pass.
      surrogate = surrogate.add(pass.own(w.reshape(-1)).dot(dW.reshape(-1)).div(count));
    }
    return surrogate.sub(surrogate.stopGradient()).add(nllSum.div(count));
  }

  /**
   * Each position's −log p(target) through the head in chunks of rows, for evaluation: nothing
   * recorded, no gradient made, and no (B·T, V) logits held whole.
   *
   * @param h (B, T, C) the head's input (after the final norm)
   * @param w [V, C] the head's weight
   * @param targets (B, T) int64 next-token ids
   * @return (B, T) float32
   */
  static NDArray tokenLosses(
      NDArray h, NDArray w, NDArray targets, ForwardPass pass, long chunkRows) {
    long c = h.getShape().get(2);
    long n = h.getShape().size() / c;
    NDManager m = pass.manager;
    NDArray hIn = down(h.stopGradient().reshape(n, c), pass.bf16, m);
    NDArray wIn = weightIn(w, pass);
    NDArray tokens = targets.reshape(n, 1);
    NDList parts = new NDList();
    for (long s = 0; s < n; s += chunkRows) {
      NDIndex rows = new NDIndex("{}:{}", s, Math.min(n, s + chunkRows));
      try (NDManager chunk = m.newSubManager()) {
        NDArray x = up(Ops.linear(in(chunk, hIn.get(rows)), wIn, null), chunk); // (rows, V)
        NDArray nll = x.logSoftmax(-1).gather(in(chunk, tokens.get(rows)), -1).neg();
        NDArray part = nll.toType(DataType.FLOAT32, false);
        part.attach(m);
        parts.add(part);
      }
    }
    return NDArrays.concat(parts).reshape(targets.getShape());
  }

  /** The training loss from the last block's output (B, T, C), through the decoder's head. */
  static NDArray loss(Decoder decoder, NDArray x, NDArray targets, NDArray mask, ForwardPass pass) {
    NDArray w = decoder.headWeight();
    return loss(decoder.finalNorm(x), w, targets, mask, pass, chunkRows(w.getShape().get(0)));
  }

  /** Per-position losses from the last block's output (B, T, C), through the decoder's head. */
  static NDArray tokenLosses(Decoder decoder, NDArray x, NDArray targets, ForwardPass pass) {
    NDArray w = decoder.headWeight();
    return tokenLosses(decoder.finalNorm(x), w, targets, pass, chunkRows(w.getShape().get(0)));
  }

  /**
   * The head's weight as the chunks multiply by it, not recorded: the step's bf16 copy where the
   * step casts once ({@link WeightCasts}), else a cast (or the weight itself) made now.
   */
  private static NDArray weightIn(NDArray w, ForwardPass pass) {
    if (pass.bf16 && pass.weightCasts != null && pass.weightCasts.holds(w)) {
      return pass.weightCasts.detached(w);
    }
    return down(pass.own(w.stopGradient()), pass.bf16, pass.manager);
  }

  private static NDArray in(NDManager manager, NDArray a) {
    a.attach(manager);
    return a;
  }

  /** x in bfloat16 when asked (a cast owned by {@code into}), else x itself. */
  private static NDArray down(NDArray x, boolean bf16, NDManager into) {
    return bf16 ? LibtorchCast.toBf16(x, into) : x;
  }

  /** A bf16 product's result in float32, anything else as it is. */
  private static NDArray up(NDArray x, NDManager into) {
    return x.getDataType() == DataType.UNKNOWN ? LibtorchCast.toFloat32(x, into) : x;
  }

  /** Rows per chunk for a vocabulary of {@code v}: {@link #CHUNK_ELEMENTS} / v, at least 16. */
  static long chunkRows(long v) {
    return Math.max(16, CHUNK_ELEMENTS / v);
  }
}
