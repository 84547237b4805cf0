package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.anneal.model.CausalLm;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mean loss over the first validation sequences, with gradients off: the trainer's validation loss,
 * and the comparison's loss on a val split.
 */
public final class Evaluator {
  private final BatchSampler val;
  private final int batches;

  /**
   * A token-weighted mean loss, the number of target tokens it counts, and the same mean over the
   * targets of each language's documents (empty when the split does not record languages).
   */
  public record Measured(double loss, long tokens, java.util.Map<String, Double> byLanguage) {
    public Measured(double loss, long tokens) {
      this(loss, tokens, java.util.Map.of());
    }
  }

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
    List<String> languages = val.languages();
    // Per-language sums and counts stay on the device, summed batch by batch; read once.
    try (NDManager acc = parent.newSubManager()) {
      NDArray langSums = languages.isEmpty() ? null : acc.zeros(new Shape(languages.size()));
      NDArray langCounts = languages.isEmpty() ? null : acc.zeros(new Shape(languages.size()));
      // One batch's tensors at a time: each batch's manager closes before the next batch starts
      // (holding every batch until the end held the whole split's activations: gigabytes).
      NDArray sum = acc.zeros(new Shape()); // Σ loss over the counted targets, read once
      double count = 0;
      for (int i = 0; i < batches; i++) {
        try (NDManager m = parent.newSubManager()) {
          long from = (long) i * val.rows();
          Batch b = val.sequential(from);
          Shape shape = new Shape(b.rows(), b.cols());
          NDArray targets = m.create(b.targets(), shape);
          NDArray mask = m.create(b.mask(), shape);
          // The head in chunks of rows: a batch's (B, T, V) logits are never held whole.
          NDArray losses = model.tokenLosses(m.create(b.ids(), shape), b.docIdsFor(m), targets);
          NDArray masked = losses.mul(mask); // (B, T)
          sum.addi(masked.sum()); // the mask is 1 where a target counts, 0 elsewhere
          count += b.countedTokens();
          if (langSums != null) {
            NDArray byLanguage =
                oneHot(val.sequentialLanguages(from), languages.size(), m); // (B·T, L)
            NDArray weighted = masked.reshape(1, -1); // (1, B·T)
            langSums.addi(weighted.matMul(byLanguage).reshape(-1));
            langCounts.addi(mask.reshape(1, -1).matMul(byLanguage).reshape(-1));
          }
        }
      }
      Map<String, Double> byLanguage = new TreeMap<>();
      if (langSums != null) {
        float[] sums = langSums.toFloatArray();
        float[] counts = langCounts.toFloatArray();
        for (int l = 0; l < sums.length; l++) {
          if (counts[l] > 0) byLanguage.put(languages.get(l), (double) sums[l] / counts[l]);
        }
      }
      return new Measured(
          count == 0 ? Double.NaN : sum.getFloat() / count, (long) count, byLanguage);
    }
  }

  /** (N, L) float: row k is 1 at column {@code languages[k]}, all 0 where it is -1. */
  private static NDArray oneHot(int[] languages, int l, NDManager m) {
    float[] out = new float[languages.length * l];
    for (int k = 0; k < languages.length; k++)
      if (languages[k] >= 0) out[k * l + languages[k]] = 1f;
    return m.create(out, new Shape(languages.length, l));
  }
}
