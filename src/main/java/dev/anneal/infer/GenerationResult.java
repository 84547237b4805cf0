package dev.anneal.infer;

/**
 * A finished generation.
 *
 * @param promptIds every id fed to the model before the first new token
 * @param tokenIds the new tokens (without a final EOS)
 * @param text the new text, cut before a stop sequence
 * @param tokensPerSecond new tokens per second of decoding (prefill excluded)
 * @param prefillSeconds time to run the prompt through the model
 */
public record GenerationResult(
    String label,
    int[] promptIds,
    int[] tokenIds,
    String text,
    FinishReason finish,
    double tokensPerSecond,
    double prefillSeconds) {}
