package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import java.util.Collection;

/**
 * Global gradient-norm clipping, as {@code torch.nn.utils.clip_grad_norm_}: the norm over all
 * gradients together, and every gradient scaled by max/norm when the norm exceeds max. DJL's
 * {@code optClipGrad} clamps elements from above only, which is not this.
 */
public final class GradientClipping {
  private GradientClipping() {}

  /** sqrt(Σ‖g‖²) over all gradients, computed in one pass on the device. */
  public static double globalNorm(Collection<NDArray> grads) {
    double sum = 0;
    for (NDArray g : grads) {
      try (NDArray sq = g.square(); NDArray total = sq.sum()) {
        sum += total.getFloat();
      }
    }
    return Math.sqrt(sum);
  }

  /**
   * Scales the gradients in place so their global norm is at most {@code maxNorm}.
   *
   * @return the norm before clipping (NaN or infinite when a gradient is)
   */
  public static double clip(Collection<NDArray> grads, double maxNorm) {
    double norm = globalNorm(grads);
    if (maxNorm > 0 && Double.isFinite(norm) && norm > maxNorm) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      for (NDArray g : grads) g.muli(scale);
    }
    return norm;
  }
}
