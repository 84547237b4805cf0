package dev.anneal.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Next-token cross-entropy for (B, T, V) logits with a mask of the positions that count (DJL's loss
 * classes neither take (B, T, V) nor a mask). Mean over counted tokens, in nats.
 *
 * <p>The gradient is made in the forward, as the fused kernels of PyTorch's CUDA and Liger do:
 * ∂loss/∂logits = w·(softmax − onehot(target)) / Σw is one full-vocabulary tensor G, one softmax on
 * a CPU (the exponential of one log-softmax elsewhere), made with no graph. Autograd gets it
 * through a surrogate {@code dot(logits, G)} whose value is cancelled out, so the backward is one
 * scaled copy of G. Composing log-softmax and gather under autograd instead keeps the
 * log-probabilities for the backward, zero-fills a vocabulary-wide tensor to scatter the picked
 * gradient into, and evaluates the exponential again in log-softmax's backward. The training step
 * goes further and never holds the whole of G ({@link HeadLoss}).
 */
public final class LmLoss {
  /**
   * Below this p(target), −log p is taken from log-softmax: float32's normal range ends at 1.2e-38,
   * and above 1e-30 a probability keeps its full precision.
   */
  private static final float FAR_OFF = 1e-30f;

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
    NDArray weight = mask == null ? null : mask.reshape(rows).toType(logits.getDataType(), false);
    // stopGradient shares storage: nothing below is recorded.
    Rows r = rows(logits.stopGradient().reshape(rows, v), targets.reshape(rows), weight);
    NDArray count =
        weight == null
            ? logits.getManager().full(new Shape(), (float) rows, logits.getDataType())
            : weight.sum().maximum(1f);
    NDArray surrogate = logits.reshape(-1).dot(r.gradient().reshape(-1)); // ∂/∂logits = G
    return surrogate.sub(surrogate.stopGradient()).div(count).add(r.nll().sum().div(count));
  }

  /**
   * A block of rows' losses and the unscaled gradient of their sum: the piece {@link #crossEntropy}
   * and the chunked head ({@link HeadLoss}) share.
   *
   * @param nll (n) −log p(target)·w
   * @param gradient (n, V) (softmax − onehot(target))·w, the gradient of Σ nll with respect to the
   *     logits
   */
  record Rows(NDArray nll, NDArray gradient) {}

  /**
   * @param x (n, V) float32 logits, not recorded
   * @param targets (n) int64 token ids; entries under a zero weight may hold anything ≥ 0
   * @param weight (n) each row's weight (float), or null for all ones
   */
  static Rows rows(NDArray x, NDArray targets, NDArray weight) {
    long v = x.getShape().get(1);
    long n = x.getShape().get(0);
    NDArray target = targets.expandDims(-1);
    NDArray p; // becomes the gradient in place
    NDArray nll; // (n)
    NDArray pTarget;
    if (Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
      // One softmax pass, the loss from the picked probabilities: half the full-vocabulary passes
      // of log-softmax then its exponential (1.6–1.8 ms against 3.4–3.7 for 512 rows of 4,096 on
      // one core). A target whose probability nears float32's smallest has its rows' losses taken
      // from log-softmax, exact where p(target) itself underflows; choosing reads one flag back,
      // which costs nothing on a CPU.
      p = x.softmax(-1);
      pTarget = p.gather(target, -1).squeeze(-1);
      nll =
          pTarget.lt(FAR_OFF).any().getBoolean()
              ? x.logSoftmax(-1).gather(target, -1).squeeze(-1).neg()
              : pTarget.log().neg();
    } else {
      // log-softmax, then its exponential: the log-probability of a far-off target stays exact
      // where p(target) itself would underflow float32, with no value read back to choose (that
      // would wait on the device once a chunk).
      NDArray logP = x.logSoftmax(-1);
      nll = logP.gather(target, -1).squeeze(-1).neg();
      p = logP.exp();
      pTarget = nll.neg().exp();
    }
    if (weight != null) {
      nll = nll.mul(weight);
      p.muli(weight.expandDims(-1)); // a zero-weight row's gradient is exactly zero
    }
    // G[row, target] −= weight: put (p·w)(target) − w at the rows' flat positions.
    NDArray flatIndex =
        x.getManager()
            .arange(0L, n * v, v, DataType.INT64)
            .add(targets.toType(DataType.INT64, false));
    NDArray picked = weight == null ? pTarget.sub(1f) : pTarget.mul(weight).sub(weight);
    p.reshape(-1).set(new NDIndex("{}", flatIndex), picked); // a view: the put writes p
    return new Rows(nll, p);
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
