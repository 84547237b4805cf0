package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.List;

/**
 * The state of one forward call, shared by every block: the per-step manager that owns every
 * intermediate, whether we train (dropout on), where the new tokens sit (offset into the cache),
 * the attention mask, the rotary tables for these positions, and what the MoE layers report.
 */
final class ForwardPass {
  final NDManager manager;
  final boolean training;
  /** Position of the first token of this call: 0, or the cache length when decoding. */
  final int offset;
  /** Additive mask (B or 1, 1, 1, T, S): 0 where a query may look, −1e9 where it may not; null when it may look everywhere. */
  final NDArray mask;
  /** The cache to read and extend, or null for a full forward. */
  final KvCache cache;
  /** Rotary tables for positions offset … offset+T−1, (T, D); null for learned positions. */
  NDArray cos;
  NDArray sin;
  final List<LayerRouting> routing = new ArrayList<>();
  private NDArray auxLoss;

  ForwardPass(NDManager manager, boolean training, int offset, NDArray mask, KvCache cache) {
    this.manager = manager;
    this.training = training;
    this.offset = offset;
    this.mask = mask;
    this.cache = cache;
  }

  /** Moves an array made from a parameter (a view, a concatenation) into this pass's manager. */
  NDArray own(NDArray array) {
    array.attach(manager);
    return array;
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
      if (offset != 0) throw new IllegalArgumentException("document ids need a full forward, not a cache");
      NDArray sameDoc = docIds.expandDims(2).eq(docIds.expandDims(1)); // (B, T, T)
      allowed = sameDoc.logicalAnd(allowed.expandDims(0)).expandDims(1).expandDims(1);
    } else {
      allowed = allowed.reshape(1, 1, 1, t, s);
    }
    return allowed.toType(DataType.FLOAT32, false).sub(1f).mul(1e9f);
  }
}
