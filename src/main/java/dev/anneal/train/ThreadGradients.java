package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * A gradient collector for one of several threads recording at once. DJL's own allows a single
 * collector in the whole process (a static flag), while libtorch's grad mode is per thread and its
 * backward may run on several threads over separate graphs: this one turns recording on for the
 * calling thread only, and back to what it was on close.
 */
final class ThreadGradients implements GradientCollector {
  private final boolean wasRecording;

  ThreadGradients() {
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

  /** Not offered: the step runner zeroes the gradients of the parameters it knows. */
  @Override
  public void zeroGradients() {
    throw new UnsupportedOperationException("zero gradients through the step runner");
  }

  @Override
  public void close() {
    JniUtils.setGradMode(wasRecording);
  }
}
