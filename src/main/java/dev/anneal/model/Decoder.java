package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** A family's body: token ids (B, T) int64 → logits (B, T, V). */
interface Decoder {
  NDArray logits(NDArray ids, ForwardPass pass);

  /** Every projection of every block, for LoRA switching and merging. */
  List<Linear> projections();

  /** The MoE layers, empty for dense models. */
  List<MoeFeedForward> moeLayers();
}
