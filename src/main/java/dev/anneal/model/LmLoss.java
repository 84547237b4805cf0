package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Next-token cross-entropy for (B, T, V) logits with a mask of the positions that count (DJL's
 * loss classes neither take (B, T, V) nor a mask). Mean over counted tokens, in nats.
 */
public final class LmLoss {
  private LmLoss() {}

  /**
   * @param logits  (B, T, V)
   * @param targets (B, T) int64 token ids; entries under a zero mask may hold anything ≥ 0
   * @param mask    (B, T), nonzero (or true) where the position counts, or null to count all
   * @return a scalar: −Σ mask·log p(target) / max(1, Σ mask)
   */
  public static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray mask) {
    NDArray logp = logits.logSoftmax(-1);
    NDArray picked = logp.gather(targets.expandDims(-1), -1).squeeze(-1); // (B, T)
    if (mask == null) return picked.mean().neg();
    NDArray weight = mask.toType(DataType.FLOAT32, false);
    NDArray count = weight.sum().maximum(1f);
    return picked.mul(weight).sum().neg().div(count);
  }
}
