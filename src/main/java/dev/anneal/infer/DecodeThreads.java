package dev.anneal.infer;

import ai.djl.pytorch.jni.JniUtils;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.estimate.ParameterCount;

/**
 * CPU threads for generating one sequence. Decoding a small model token by token is a stream of
 * ~150 tiny ops per token; waking a second OpenMP thread for each costs more than it saves (nano
 * decodes at ~340 tokens/s on one thread, ~200 on two). Large models gain from every core.
 */
public final class DecodeThreads {
  /** Below this many parameters one thread decodes fastest. */
  static final long SMALL = 100_000_000L;

  private DecodeThreads() {}

  /**
   * The thread count for a model: {@code requested} when given (> 0), else one for small models.
   */
  public static int choose(ModelSpec spec, int requested) {
    if (requested > 0) return requested;
    return ParameterCount.of(spec, null).total() < SMALL
        ? 1
        : Runtime.getRuntime().availableProcessors();
  }

  /** Sets libtorch's intra-op threads for this process (the CLI's; the studio keeps its own). */
  public static void apply(ModelSpec spec, int requested) {
    JniUtils.setNumThreads(choose(spec, requested));
  }
}
