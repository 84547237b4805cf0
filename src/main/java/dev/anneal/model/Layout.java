package dev.anneal.model;

/**
 * How a projection's weight matrix is stored, following the Hugging Face checkpoint it maps to. The
 * forward pass reads either layout directly (no transposed copies per step).
 */
enum Layout {
  /** {@code nn.Linear}: [out, in]; y = x·Wᵀ + b (Llama, Qwen2, Mixtral, LoRA matrices). */
  OUT_IN,
  /** GPT-2's {@code Conv1D}: [in, out]; y = x·W + b. */
  IN_OUT
}
