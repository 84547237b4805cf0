package dev.anneal.infer;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Turns libtorch's autograd off on this thread for a block and back to what it was after: the
 * model's trainable weights require gradients, and generation or evaluation must not build a
 * backward graph (libtorch's grad mode is per thread).
 */
final class NoGrad implements AutoCloseable {
  private final boolean was;

  private NoGrad() {
    Engine.getEngine("PyTorch"); // loads the natives before the first JNI call
    was = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
  }

  static NoGrad enter() {
    return new NoGrad();
  }

  @Override
  public void close() {
    JniUtils.setGradMode(was);
  }
}
