package dev.anneal.infer;

import java.util.List;

/**
 * How to pick each next token, shared by both sides of a comparison.
 *
 * @param temperature 0 for greedy decoding (the argmax), else logits are divided by it
 * @param topK keep the K most likely tokens; 0 keeps all
 * @param topP keep the smallest set of likeliest tokens whose probability reaches P; 1 keeps all
 * @param repetitionPenalty CTRL's penalty (as transformers applies it): a token already in the
 *     prompt or the output has a positive logit divided by it, a negative one multiplied; 1 is off
 * @param maxTokens new tokens at most
 * @param stop texts that end the output when they appear (not included)
 * @param seed the same seed gives the same text again
 */
public record SamplingSettings(
    double temperature,
    int topK,
    double topP,
    double repetitionPenalty,
    int maxTokens,
    List<String> stop,
    long seed) {

  public SamplingSettings {
    stop = stop == null ? List.of() : stop.stream().filter(s -> !s.isEmpty()).toList();
    if (!(temperature >= 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException(
          "temperature must be 0 (greedy) or positive, got " + temperature);
    }
    if (topK < 0)
      throw new IllegalArgumentException("top-k must be 0 (off) or positive, got " + topK);
    if (!(topP > 0 && topP <= 1))
      throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
      throw new IllegalArgumentException(
          "repetition penalty must be positive, got " + repetitionPenalty);
    }
    if (maxTokens < 1)
      throw new IllegalArgumentException("max tokens must be at least 1, got " + maxTokens);
  }

  /** Temperature 0.7, top-k 50, top-p 0.95, no repetition penalty, 128 tokens, seed 42. */
  public static SamplingSettings defaults() {
    return new SamplingSettings(0.7, 50, 0.95, 1.0, 128, List.of(), 42);
  }

  /** Argmax decoding, nothing else. */
  public static SamplingSettings greedy(int maxTokens) {
    return new SamplingSettings(0, 0, 1, 1, maxTokens, List.of(), 0);
  }

  public boolean isGreedy() {
    return temperature == 0;
  }
}
