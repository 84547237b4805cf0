package dev.anneal.model;

import ai.djl.ndarray.NDArray;

/**
 * One named tensor of a model: a base weight under its Hugging Face name, a LoRA matrix under its
 * PEFT module path, or a buffer (saved with the weights, never trained by gradient).
 *
 * @param name the Hugging Face or PEFT name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param array the values, owned by the model's manager
 * @param kind what the tensor is, which decides where it is saved and whether it can train
 */
public record Param(String name, NDArray array, Kind kind) {
  /** What a tensor is to the model. */
  public enum Kind {
    /** A base weight: saved in {@code model.safetensors}. */
    BASE,
    /** A LoRA adapter matrix: saved in {@code adapter_model.safetensors}. */
    LORA,
    /** A buffer such as the MoE balancing bias: saved with the base weights, not trained. */
    BUFFER
  }
}
