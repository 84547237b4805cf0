package dev.anneal.infer;

/**
 * Receives tokens as they are generated, on the generating thread; keep it cheap (the studio queues
 * them for the FX thread).
 */
@FunctionalInterface
public interface GenerationListener {
  GenerationListener NONE = (side, event) -> {};

  /**
   * @param side index of the model in the list given to the generator (0 for a single model)
   */
  void onToken(int side, TokenEvent event);
}
