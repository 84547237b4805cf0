package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A training forward and backward with activation (gradient) checkpointing, block by block: what
 * {@code torch.utils.checkpoint} does per layer, written out because DJL has no custom autograd
 * function to hook a recompute into.
 *
 * <ol>
 *   <li>The embeddings run recorded (their graph holds little: the ids, a dropout mask).
 *   <li>The blocks run without recording; only each block's input x_l (B, T, C) is kept.
 *   <li>The head and the objective run recorded from the last block's output, made a leaf that
 *       requires a gradient; their backward gives g_L = dObjective/dx_L (B, T, C).
 *   <li>From the last block to the first: block l runs again, recorded, on x_l made a leaf, and the
 *       backward of Σ(out · g_{l+1}) (plus the block's switch loss, weighted) puts the block's
 *       parameter gradients in place and gives g_l = x_l's gradient.
 *   <li>Last, the backward of Σ(embeddings · g_0) gives the embedding tables' gradients.
 * </ol>
 *
 * The chain rule makes the sum of these backward passes the plain backward: the gradients are the
 * same, at the cost of a second forward through every block. Alive at once: the L+1 block inputs,
 * one block's recorded graph, and one g.
 *
 * <p>Dropout draws a fresh mask from libtorch's generator every time it runs, so each block's
 * generator is seeded from a per-pass base before its first run and again before its recompute: the
 * recompute draws the mask the forward used. The base comes from the generator itself, so a run
 * seeded the same trains the same.
 */
final class Checkpointing {
  private Checkpointing() {}

  /**
   * @param objective the last block's output (B, T, C) → the scalar to differentiate (the head, the
   *     loss and its weighting); whatever it keeps must be attached to a manager of the caller's,
   *     the rest is closed after its backward
   * @param auxWeight scalar multiplying each block's switch loss before it is differentiated
   * @param dropout some dropout is active in this model: seed each block's generator
   * @param embeddingsTrain the embedding tables take gradients (not under LoRA)
   * @return what the MoE layers' routers did, reported once (the recompute does not report)
   */
  static List<LayerRouting> run(
      Decoder decoder,
      ForwardPass pass,
      NDArray ids,
      GradientCollector gc,
      UnaryOperator<NDArray> objective,
      NDArray auxWeight,
      boolean dropout,
      boolean embeddingsTrain) {
    NDManager m = pass.manager;
    long seedBase = dropout ? seedBase(m) : 0;
    NDArray embedded = decoder.embed(ids, pass);
    List<NDArray> inputs = new ArrayList<>(decoder.layers() + 1);
    inputs.add(embedded.stopGradient());
    boolean wasRecording = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      for (int l = 0; l < decoder.layers(); l++) {
        if (dropout) JniUtils.setSeed(seedBase + l);
        int layer = l;
        inputs.add(pass.block(inputs.get(l), in -> decoder.block(layer, in, pass)));
      }
    } finally {
      JniUtils.setGradMode(wasRecording);
    }
    NDArray unused = pass.takeAuxLoss(); // the recompute adds each block's, recorded
    if (unused != null) unused.close();
    List<LayerRouting> routing = List.copyOf(pass.routing);

    pass.recomputing = true;
    NDArray g = gradientOfInput(pass, inputs.removeLast(), objective, gc);
    for (int l = decoder.layers() - 1; l >= 0; l--) {
      int layer = l;
      NDArray above = g;
      NDArray x = inputs.removeLast();
      g =
          gradientOfInput(
              pass,
              x,
              in -> {
                if (dropout) JniUtils.setSeed(seedBase + layer);
                NDArray scalar = decoder.block(layer, in, pass).mul(above).sum();
                NDArray aux = pass.takeAuxLoss();
                return aux == null ? scalar : scalar.add(aux.mul(auxWeight));
              },
              gc);
      above.close();
      x.close();
    }
    pass.recomputing = false;
    if (embeddingsTrain) gc.backward(embedded.mul(g).sum());
    g.close();
    return routing;
  }

  /**
   * Makes x a leaf that requires a gradient, runs {@code scalarOf} recorded with its intermediates
   * in a manager of their own, differentiates the scalar, and returns x's gradient (B, T, C), owned
   * by the pass's manager; the recorded graph is freed.
   */
  private static NDArray gradientOfInput(
      ForwardPass pass, NDArray x, UnaryOperator<NDArray> scalarOf, GradientCollector gc) {
    return pass.block(
        x,
        in -> {
          in.setRequiresGradient(true);
          gc.backward(scalarOf.apply(in));
          return in.getGradient();
        });
  }

  /**
   * A seed drawn from libtorch's generator (one read), so the pass's masks follow the run's seed.
   */
  private static long seedBase(NDManager m) {
    try (NDManager scratch = m.newSubManager()) {
      return scratch.randomInteger(0, Integer.MAX_VALUE, new Shape(), DataType.INT64).getLong();
    }
  }
}
