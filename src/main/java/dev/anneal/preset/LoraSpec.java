package dev.anneal.preset;

import java.util.List;

/**
 * Low-rank adapters: W' = W + (alpha / rank) · B·A on each targeted projection, base frozen.
 *
 * @param targets projection names, in Hugging Face terms ({@code q_proj} ... {@code down_proj};
 *     {@code w1}/{@code w2}/{@code w3} for experts; {@code gate} for the router)
 * @param exclude module names never adapted, even when a target matches inside them (seed 001:
 *     {@code block_sparse_moe}, {@code w1}, {@code w2}, {@code w3}, {@code gate})
 * @param freezeRouter whether the MoE router stays frozen
 */
public record LoraSpec(
    Integer rank,
    Double alpha,
    Double dropout,
    List<String> targets,
    List<String> exclude,
    Boolean freezeRouter) {

  public LoraSpec {
    if (alpha == null && rank != null) alpha = 2.0 * rank;
    if (dropout == null) dropout = 0.0;
    targets = targets == null ? List.of() : List.copyOf(targets);
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    if (freezeRouter == null) freezeRouter = true;
  }

  /** The multiplier alpha / rank applied to B·A. */
  public double scaling() {
    return alpha / rank;
  }
}
