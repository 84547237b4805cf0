package dev.anneal.infer;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's loss on a text or a val split.
 *
 * @param inputIds every id fed to the model (empty for a val split)
 * @param tokens each predicted position, in order (empty for a val split)
 * @param meanLoss mean cross-entropy per predicted token, nats
 * @param perplexity exp(meanLoss)
 * @param counted predicted tokens the mean is over
 * @param byLanguage mean loss over each language's documents (a val split that records languages;
 *     empty otherwise)
 */
public record EvalResult(
    String label,
    int[] inputIds,
    List<TokenLoss> tokens,
    double meanLoss,
    double perplexity,
    long counted,
    Map<String, Double> byLanguage) {
  public EvalResult {
    byLanguage =
        byLanguage == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(byLanguage));
  }

  /** A result with no per-language breakdown (a text, or a split without languages). */
  public EvalResult(
      String label,
      int[] inputIds,
      List<TokenLoss> tokens,
      double meanLoss,
      double perplexity,
      long counted) {
    this(label, inputIds, tokens, meanLoss, perplexity, counted, Map.of());
  }
}
