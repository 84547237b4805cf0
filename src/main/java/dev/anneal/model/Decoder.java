package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import java.util.ArrayList;
import java.util.List;

/**
 * A family's body in three stages, token ids (B, T) int64 → embeddings (B, T, C) → L blocks →
 * logits (B, T, V). The stages are separate so activation checkpointing ({@link Checkpointing}) can
 * run and re-run one block at a time.
 */
interface Decoder {
  /**
   * Token ids (B, T) → the first block's input (B, T, C); also prepares the pass (rotary tables).
   */
  NDArray embed(NDArray ids, ForwardPass pass);

  int layers();

  /** Block {@code layer}: (B, T, C) → (B, T, C). */
  NDArray block(int layer, NDArray x, ForwardPass pass);

  /** The last block's output (B, T, C) → the head's input (B, T, C): the final norm. */
  NDArray finalNorm(NDArray x);

  /** The head's weight [V, C] (the token embedding when tied). */
  NDArray headWeight();

  /** The last block's output (B, T, C) → float32 logits (B, T, V): final norm and head. */
  default NDArray head(NDArray x, ForwardPass pass) {
    return pass.float32(pass.linear(finalNorm(x), headWeight(), null));
  }

  /** The whole forward, each block's intermediates scoped to it ({@link ForwardPass#block}). */
  default NDArray logits(NDArray ids, ForwardPass pass) {
    return head(lastHidden(ids, pass), pass);
  }

  /** The forward up to the last block's output (B, T, C), before the final norm. */
  default NDArray lastHidden(NDArray ids, ForwardPass pass) {
    NDArray x = embed(ids, pass);
    for (int l = 0; l < layers(); l++) {
      int layer = l;
      x = pass.block(x, in -> block(layer, in, pass));
    }
    return x;
  }

  /** Every projection of every block, for LoRA switching and merging. */
  List<Linear> projections();

  /**
   * The projections' weights and biases: a pass reads them only through {@link ForwardPass}'s
   * products (in a bf16 step, through the step's copies), never directly.
   */
  default List<NDArray> projectionWeights() {
    List<NDArray> all = new ArrayList<>();
    for (Linear l : projections()) {
      all.add(l.weight);
      if (l.bias != null) all.add(l.bias);
    }
    return all;
  }

  /** The decoder of {@code w}'s family over its tensors. */
  static Decoder of(Weights w) {
    return w.spec.family() == dev.anneal.preset.Family.GPT2
        ? new Gpt2Decoder(w)
        : new LlamaDecoder(w);
  }

  /** Re-derives the rotary tables for this spec's θ and scaling (RoPE families only). */
  default void useRope(dev.anneal.preset.ModelSpec spec) {
    throw new IllegalStateException("this model has learned positions: no RoPE to rescale");
  }

  /** The MoE layers, empty for dense models. */
  List<MoeFeedForward> moeLayers();
}
