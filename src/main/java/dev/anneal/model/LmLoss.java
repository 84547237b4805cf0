package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Next-token cross-entropy for (B, T, V) logits with a mask of the positions that count (DJL's loss
 * classes neither take (B, T, V) nor a mask). Mean over counted tokens, in nats.
 *
 * <p>The gradient is made in the forward, as the fused kernels of PyTorch's CUDA and Liger do:
 * ∂loss/∂logits = w·(softmax − onehot(target)) / Σw is one full-vocabulary tensor G, computed from
 * one softmax with no graph. Autograd gets it through a surrogate {@code dot(logits, G)} whose
 * value is cancelled out, so the backward is one scaled copy of G. Composing log-softmax and gather
 * instead keeps the log-probabilities for the backward, zero-fills a vocabulary-wide tensor to
 * scatter the picked gradient into, and evaluates the exponential twice (forward, then
 * log-softmax's backward): three full (B, T, V) tensors and two passes of exp against one and one.
 */
public final class LmLoss {
  private LmLoss() {}

  /**
   * @param logits (B, T, V) float32 or float64
   * @param targets (B, T) int64 token ids; entries under a zero mask may hold anything ≥ 0
   * @param mask (B, T) weight of each position: nonzero (or true) where it counts, or null to count
   *     all
   * @return a scalar: −Σ mask·log p(target) / max(1, Σ mask)
   */
  public static NDArray crossEntropy(NDArray logits, NDArray targets, NDArray mask) {
    Shape shape = logits.getShape();
    long v = shape.get(shape.dimension() - 1);
    long rows = shape.size() / v;
    NDArray x = logits.stopGradient(); // shares storage: nothing below is recorded
    NDArray p = x.softmax(-1); // becomes G in place
    NDArray target = targets.expandDims(-1);
    NDArray pTarget = p.gather(target, -1).squeeze(-1); // (B, T)
    // log Σ exp(x) = max x − log max p: the largest probability is at least 1/V, so its log is
    // exact to float precision, where log p(target) would underflow for a far-off target.
    NDArray logSumExp = x.max(new int[] {-1}).sub(p.max(new int[] {-1}).log());
    NDArray nll = logSumExp.sub(x.gather(target, -1).squeeze(-1)); // (B, T)
    NDArray value;
    NDArray count;
    NDArray weight;
    if (mask == null) {
      count = logits.getManager().full(new Shape(), (float) rows, logits.getDataType());
      weight = null;
      value = nll.mean();
    } else {
      weight = mask.toType(logits.getDataType(), false);
      count = weight.sum().maximum(1f);
      value = nll.mul(weight).sum().div(count);
      p.muli(weight.expandDims(-1)); // a zero-weight row's gradient is exactly zero
    }
    // G[row, target] −= weight: put (p·w)(target) − w at the rows' flat positions.
    NDArray flatIndex =
        logits
            .getManager()
            .arange(0L, rows * v, v, DataType.INT64)
            .add(targets.flatten().toType(DataType.INT64, false));
    NDArray picked = weight == null ? pTarget.sub(1f) : pTarget.mul(weight).sub(weight);
    NDArray g = p.reshape(-1); // a view: the put below writes p
    g.set(new NDIndex("{}", flatIndex), picked.flatten());
    NDArray surrogate = logits.reshape(-1).dot(g); // ∂/∂logits = g
    return surrogate.sub(surrogate.stopGradient()).div(count).add(value);
  }

  /**
   * Each position's cross-entropy, −log p(target), in float32, for sums over chosen positions.
   *
   * @param logits (B, T, V)
   * @param targets (B, T) int64 token ids
   * @return (B, T)
   */
  public static NDArray tokenLosses(NDArray logits, NDArray targets) {
    return logits
        .logSoftmax(-1)
        .gather(targets.expandDims(-1), -1)
        .squeeze(-1)
        .neg()
        .toType(DataType.FLOAT32, false);
  }
}
