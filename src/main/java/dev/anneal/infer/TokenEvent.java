package dev.anneal.infer;

/**
 * One generated token, as a stream reports it.
 *
 * @param tokenId the id drawn (EOS when the output ended on it)
 * @param text text that became visible with this token (may be empty: a character split over
 *     tokens, or a possible stop sequence, is held back)
 * @param generated tokens generated so far
 * @param tokensPerSecond decoding speed so far (the prompt's prefill not counted)
 * @param finish why generation ended with this token, or null while it goes on
 */
public record TokenEvent(
    int tokenId, String text, int generated, double tokensPerSecond, FinishReason finish) {}
