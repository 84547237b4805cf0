package dev.anneal.infer;

import java.util.List;

/**
 * A model's loss on a text or a val split.
 *
 * @param inputIds   every id fed to the model (empty for a val split)
 * @param tokens     each predicted position, in order (empty for a val split)
 * @param meanLoss   mean cross-entropy per predicted token, nats
 * @param perplexity exp(meanLoss)
 * @param counted    predicted tokens the mean is over
 */
public record EvalResult(String label, int[] inputIds, List<TokenLoss> tokens, double meanLoss,
    double perplexity, long counted) {}
