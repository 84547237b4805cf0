package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.anneal.model.CausalLm;
import dev.anneal.model.LmLoss;

/**
 * Mean loss over the first validation sequences, with gradients off: the trainer's validation
 * loss, and the comparison's loss on a val split.
 */
public final class Evaluator {
  private final BatchSampler val;
  private final int batches;

  /** A token-weighted mean loss and the number of target tokens it counts. */
  public record Measured(double loss, long tokens) {}

  public Evaluator(BatchSampler val, int batches) {
    this.val = val;
    this.batches = Math.max(1, Math.min(batches, (val.sequences() + val.rows() - 1) / val.rows()));
  }

  /** Token-weighted mean cross-entropy over the validation batches. */
  double loss(CausalLm model, NDManager parent) {
    return measure(model, parent).loss();
  }

  /** As {@link #loss}, with the count of tokens it averages over. */
  public Measured measure(CausalLm model, NDManager parent) {
    boolean was = JniUtils.isGradMode();
    JniUtils.setGradMode(false);
    try {
      return measureBatches(model, parent);
    } finally {
      JniUtils.setGradMode(was);
    }
  }

  private Measured measureBatches(CausalLm model, NDManager parent) {
    // One batch's tensors at a time: each batch's manager closes before the next batch starts
    // (holding every batch until the end held the whole split's activations: gigabytes).
    double sum = 0;
    double count = 0;
    for (int i = 0; i < batches; i++) {
      try (NDManager m = parent.newSubManager()) {
        Batch b = val.sequential((long) i * val.rows());
        Shape shape = new Shape(b.rows(), b.cols());
        NDArray logits = model.forward(m.create(b.ids(), shape), b.docIdsFor(m), false)
            .logits();
        double n = b.countedTokens();
        sum += LmLoss.crossEntropy(logits, m.create(b.targets(), shape), m.create(b.mask(), shape))
            .getFloat() * n;
        count += n;
      }
    }
    return new Measured(count == 0 ? Double.NaN : sum / count, (long) count);
  }
}
