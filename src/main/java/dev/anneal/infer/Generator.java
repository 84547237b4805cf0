package dev.anneal.infer;

import dev.anneal.task.Cancellation;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates from one model, or from several side by side with the same prompt and settings: the
 * models take turns, one token each, on the calling thread, so every side streams at once and each
 * side's tokens/s counts only its own time. Stop (the cancellation) ends every side where it is and
 * keeps what was written.
 */
public final class Generator {
  private Generator() {}

  public static GenerationResult generate(
      ModelView view,
      Prompt prompt,
      SamplingSettings settings,
      GenerationListener listener,
      Cancellation cancellation) {
    return sideBySide(List.of(view), prompt, settings, listener, cancellation).getFirst();
  }

  /**
   * @return one result per view, in the order given
   */
  public static List<GenerationResult> sideBySide(
      List<ModelView> views,
      Prompt prompt,
      SamplingSettings settings,
      GenerationListener listener,
      Cancellation cancellation) {
    List<Generation> running = new ArrayList<>();
    try {
      for (ModelView v : views) running.add(Generation.start(v, prompt, settings));
      boolean any = true;
      while (any) {
        any = false;
        for (int side = 0; side < running.size(); side++) {
          Generation g = running.get(side);
          if (g.done()) continue;
          if (cancellation.isCancelled()) {
            String rest = g.cancel();
            listener.onToken(
                side,
                new TokenEvent(
                    -1, rest, g.generated(), g.tokensPerSecond(), FinishReason.CANCELLED));
            continue;
          }
          listener.onToken(side, g.step());
          any |= !g.done();
        }
      }
      return running.stream().map(Generation::result).toList();
    } finally {
      running.forEach(Generation::close);
    }
  }
}
