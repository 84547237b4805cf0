package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The position-wise half of a Llama block: a SwiGLU or a mixture of experts. x (..., C) → (..., C).
 */
interface FeedForward {
  NDArray forward(NDArray x, ForwardPass pass);

  /** Every projection, for LoRA switching and merging. */
  List<Linear> projections();
}
