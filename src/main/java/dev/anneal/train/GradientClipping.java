package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.Collection;

/**
 * Global gradient-norm clipping, as {@code torch.nn.utils.clip_grad_norm_}: the norm over all
 * gradients together, and every gradient scaled by max/norm when the norm exceeds max. DJL's {@code
 * optClipGrad} clamps elements from above only, which is not this.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /**
   * sqrt(Σ‖g‖²) over all gradients: one norm kernel per gradient, then the norm of those norms,
   * read back once (a read per gradient waits on the device each time, and square-then-sum made a
   * temporary the size of the gradient).
   */
  public static double globalNorm(Collection<NDArray> grads) {
    return clip(grads, 0); // a max of 0 measures without clipping
  }

  /**
   * Scales the gradients in place so their global norm is at most {@code maxNorm} (0: no limit).
   *
   * @return the norm before clipping (NaN or infinite when a gradient is)
   */
  public static double clip(Collection<NDArray> grads, double maxNorm) {
    if (grads.isEmpty()) return 0;
    NDManager scratch = grads.iterator().next().getManager().newSubManager();
    try (scratch) {
      return clipOnDevice(grads, maxNorm, scratch).getFloat();
    }
  }

  /**
   * As {@link #clip} without waiting on the device, as {@code clip_grad_norm_} does it: every
   * gradient is multiplied by min(1, max/(norm + 1e-6)), computed where the gradients are.
   *
   * @param into owns the returned norm
   * @return the norm before clipping, a float32 scalar on the gradients' device
   */
  public static NDArray clipOnDevice(Collection<NDArray> grads, double maxNorm, NDManager into) {
    if (grads.isEmpty()) return into.zeros(new ai.djl.ndarray.types.Shape());
    NDManager scratch = into.newSubManager();
    try (scratch) {
      NDArray norm = norms(grads, scratch).norm();
      if (maxNorm > 0) scale(grads, factor(norm, maxNorm, scratch));
      norm.attach(into);
      return norm;
    }
  }

  /**
   * Each gradient's norm, one kernel each, in order: (n,) float32, owned by {@code into}. The norms
   * of consecutive groups of gradients, concatenated, are the norms of all of them.
   */
  static NDArray norms(Collection<NDArray> grads, NDManager into) {
    NDList norms = new NDList(grads.size());
    try (NDManager scratch = into.newSubManager()) {
      for (NDArray g : grads) {
        NDArray n = g.norm();
        n.attach(scratch);
        norms.add(n.reshape(1));
      }
      NDArray all = NDArrays.concat(norms);
      all.attach(into);
      return all;
    }
  }

  /** min(1, max/(norm + 1e-6)), as clip_grad_norm_ scales by; a scalar owned by {@code into}. */
  static NDArray factor(NDArray norm, double maxNorm, NDManager into) {
    NDArray max = into.full(new ai.djl.ndarray.types.Shape(), (float) maxNorm);
    return max.div(norm.add(1e-6f)).minimum(1f);
  }

  /** Multiplies every gradient by {@code factor} in place. */
  static void scale(Collection<NDArray> grads, NDArray factor) {
    for (NDArray g : grads) g.muli(factor);
  }
}
