package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.Collection;

/**
 * A gradient collector for one of several threads recording at once. DJL's own allows a single
 * collector in the whole process (a static flag), while libtorch's grad mode is per thread and its
 * backward may run on several threads over separate graphs: this one turns recording on for the
 * calling thread only, and back to what it was on close.
 */
final class ThreadGradients implements GradientCollector {
  private final boolean wasRecording;
  private final Collection<NDArray> params;

  /**
   * @param params the parameters whose gradients {@link #zeroGradients} zeroes
   */
  ThreadGradients(Collection<NDArray> params) {
    this.params = params;
    wasRecording = JniUtils.isGradMode();
    JniUtils.setGradMode(true);
  }

  /** Backward from the scalar {@code target}, its gradient one (as DJL's collector does). */
  @Override
  public void backward(NDArray target) {
    NDArray one = target.getManager().ones(target.getShape(), target.getDataType());
    JniUtils.backward((PtNDArray) target, (PtNDArray) one, false, false);
    one.close();
  }

  /**
   * Zeroes the gradients of the parameters given (DJL's collector zeroes every array of the process
   * that has one, which would reach the other thread's).
   */
  @Override
  public void zeroGradients() {
    for (NDArray p : params) {
      try (NDArray g = p.getGradient()) { // a handle on the gradient, not the gradient itself
        StepRunner.zero(g);
      }
    }
  }

  @Override
  public void close() {
    JniUtils.setGradMode(wasRecording);
  }
}
