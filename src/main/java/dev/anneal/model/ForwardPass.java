package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.anneal.engine.LibtorchCast;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The state of one forward call, shared by every block: the per-step manager that owns every
 * intermediate, whether we train (dropout on), where the new tokens sit (offset into the cache),
 * the attention mask, the rotary tables for these positions, and what the MoE layers report.
 */
final class ForwardPass {
  /**
   * Owns the intermediates made now: the caller's manager, or a block's while {@link #block} runs.
   */
  NDManager manager;

  final boolean training;

  /** Position of the first token of this call: 0, or the cache length when decoding. */
  final int offset;

  /**
   * Additive mask (B or 1, 1, 1, T, S): 0 where a query may look, −1e9 where it may not; null when
   * it may look everywhere.
   */
  final NDArray mask;

  /** The cache to read and extend, or null for a full forward. */
  final KvCache cache;

  /**
   * Matrix products in bfloat16, as PyTorch's CPU autocast runs them: a product's inputs are cast
   * down (each tensor once per pass; weights once per optimizer step through {@link #weightCasts})
   * and its result stays bf16 until an op that needs float32 — adding it to the float32 residual
   * stream promotes it by libtorch's rules; norms and the loss get float32 through {@link
   * #float32}. Attention's probabilities stay bf16 (see {@link Attention}). Weights, their
   * gradients and the optimizer stay float32: the casts are differentiable and carry gradients back
   * up.
   */
  final boolean bf16;

  private final Map<NDArray, NDArray> bf16Copies = new IdentityHashMap<>();

  /** The open training step's weight copies (bf16 passes of a step), or null. */
  WeightCasts weightCasts;

  /** Attention through libtorch's fused kernel ({@link Attention}); full forwards only. */
  boolean fusedAttention;

  /** The mask is the plain causal one (no document ids): the fused kernel's causal path applies. */
  boolean causalOnly;

  /** Rotary tables for positions offset … offset+T−1, (T, D); null for learned positions. */
  NDArray cos;

  NDArray sin;
  final List<LayerRouting> routing = new ArrayList<>();

  /**
   * Blocks now run a second time for their backward (activation checkpointing): report no routing.
   */
  boolean recomputing;

  private NDArray auxLoss;

  ForwardPass(
      NDManager manager, boolean training, int offset, NDArray mask, KvCache cache, boolean bf16) {
    this.manager = manager;
    this.bf16 = bf16;
    this.training = training;
    this.offset = offset;
    this.mask = mask;
    this.cache = cache;
  }

  /**
   * Runs one block of a full forward with its intermediates in a manager of their own, closed when
   * the block ends: only its output (and whatever autograd saved for the backward, which libtorch
   * keeps alive by reference) outlives it. Without this every temporary of every block — attention
   * scores, pre-activation copies — stays alive until the step ends, twice PyTorch's peak. Decoding
   * with a cache keeps one manager (its steps are small and already scoped).
   *
   * @param x the block's input (B, T, C); its results are created in the block's manager
   */
  NDArray block(NDArray x, java.util.function.UnaryOperator<NDArray> body) {
    if (cache != null) return body.apply(x);
    NDManager outer = manager;
    NDManager inner = outer.newSubManager();
    manager = inner;
    x.tempAttach(inner); // ops create their results in their first operand's manager
    try {
      NDArray y = body.apply(x);
      y.attach(outer);
      if (auxLoss != null && auxLoss.getManager() == inner) auxLoss.attach(outer);
      return y;
    } finally {
      bf16Copies.clear(); // a block's casts die with it; the next block casts its own input
      manager = outer;
      inner.close(); // also hands x back to the outer manager
    }
  }

  /** Moves an array made from a parameter (a view, a concatenation) into this pass's manager. */
  NDArray own(NDArray array) {
    array.attach(manager);
    return array;
  }

  /** x·Wᵀ + b, x (..., in), w [out, in], b [out] or null → (..., out); bf16 in a bf16 pass. */
  NDArray linear(NDArray x, NDArray w, NDArray b) {
    if (!bf16) return Ops.linear(x, w, b);
    return Ops.linear(bf16(x), weight(w), b == null ? null : weight(b));
  }

  /** A weight in bfloat16: the step's copy where the step casts once, else a cast made now. */
  NDArray weight(NDArray w) {
    return weightCasts != null && weightCasts.holds(w) ? weightCasts.of(w) : bf16(w);
  }

  /** As {@link #linear} for a weight stored [in, out] (GPT-2's Conv1D). */
  NDArray linearInOut(NDArray x, NDArray wInOut, NDArray b) {
    // Cast the stored (contiguous) weight and transpose the copy: casting the transposed view
    // instead is a strided copy, measured 10-20× slower than a contiguous one.
    NDArray w = bf16 ? weight(wInOut) : wInOut;
    return linear(x, own(w.transpose()), b);
  }

  /** a·b (batched); bf16 in a bf16 pass. */
  NDArray matMul(NDArray a, NDArray b) {
    return bf16 ? bf16(a).matMul(bf16(b)) : a.matMul(b);
  }

  /** x in float32: a bf16 product's result cast up, anything else as it is. */
  NDArray float32(NDArray x) {
    return bf16 && isBf16(x) ? LibtorchCast.toFloat32(x, manager) : x;
  }

  /** x in bfloat16, cast once per pass (a block's casts die with the block). */
  NDArray bf16(NDArray x) {
    if (isBf16(x)) return x;
    // Llama's q, k and v (and SwiGLU's gate and up) read the same input: cast it once.
    return bf16Copies.computeIfAbsent(x, k -> LibtorchCast.toBf16(k, manager));
  }

  /** DJL names no bf16 dtype: in a model that holds float32 and bf16 only, UNKNOWN is bf16. */
  private static boolean isBf16(NDArray x) {
    return x.getDataType() == DataType.UNKNOWN;
  }

  /** Dropout at this rate while training; the identity otherwise or at rate 0. */
  NDArray dropout(NDArray x, double rate) {
    if (!training || rate <= 0) return x;
    return x.getNDArrayInternal().dropout(x, (float) rate, true).singletonOrThrow();
  }

  void addAuxLoss(NDArray loss) {
    auxLoss = auxLoss == null ? loss : auxLoss.add(loss);
  }

  NDArray auxLoss() {
    return auxLoss;
  }

  /** The switch loss added since the last call (null if none), and a fresh start. */
  NDArray takeAuxLoss() {
    NDArray taken = auxLoss;
    auxLoss = null;
    return taken;
  }

  /**
   * Builds the mask for T new queries at positions offset … offset+T−1 over S = offset+T keys: a
   * query sees keys at or before its own position, and, when document ids are given, only keys of
   * its own document (packed sequences).
   *
   * @param docIds (B, T) int64 document (segment) id per token, or null for one document
   */
  static NDArray mask(NDManager m, NDArray docIds, int offset, int t) {
    // One new query after the cache sees every cached key: no mask to build (decoding speed).
    if (t == 1 && docIds == null) return null;
    long s = offset + t;
    NDArray qPos = m.arange(offset, offset + t, 1, DataType.INT64).reshape(t, 1);
    NDArray kPos = m.arange(0, s, 1, DataType.INT64).reshape(1, s);
    NDArray allowed = kPos.lte(qPos); // (T, S)
    if (docIds != null) {
      if (offset != 0)
        throw new IllegalArgumentException("document ids need a full forward, not a cache");
      NDArray sameDoc = docIds.expandDims(2).eq(docIds.expandDims(1)); // (B, T, T)
      allowed = sameDoc.logicalAnd(allowed.expandDims(0)).expandDims(1).expandDims(1);
    } else {
      allowed = allowed.reshape(1, 1, 1, t, s);
    }
    return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(1e9f);
  }
}
