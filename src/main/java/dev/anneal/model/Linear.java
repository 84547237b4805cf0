package dev.anneal.model;

import ai.djl.ndarray.NDArray;

/**
 * One projection: a weight in its checkpoint's layout, an optional bias, and an optional LoRA
 * adapter. x (..., in) → (..., out).
 */
final class Linear {
  /**
   * The module path, e.g. {@code model.layers.0.self_attn.q_proj}; tensors are path + ".weight".
   */
  final String path;

  final Layout layout;
  final NDArray weight;
  final NDArray bias;
  final LoraAdapter lora;
  private boolean loraEnabled = true;

  Linear(String path, Layout layout, NDArray weight, NDArray bias, LoraAdapter lora) {
    this.path = path;
    this.layout = layout;
    this.weight = weight;
    this.bias = bias;
    this.lora = lora;
  }

  NDArray forward(NDArray x, ForwardPass pass) {
    NDArray y = base(x, pass);
    if (lora != null && loraEnabled && !lora.merged()) y = y.add(lora.delta(x, pass));
    return y;
  }

  private NDArray base(NDArray x, ForwardPass pass) {
    if (layout == Layout.OUT_IN) return pass.linear(x, weight, bias);
    // Conv1D [in, out]: a transposed view (no copy) lets libtorch fuse the bias as for nn.Linear.
    return pass.linearInOut(x, weight, bias);
  }

  void setLoraEnabled(boolean enabled) {
    if (lora == null) return;
    // PEFT's rule: switching a merged adapter off unmerges it first.
    if (!enabled && lora.merged()) lora.fold(weight, layout, -1);
    loraEnabled = enabled;
  }

  /** Folds the adapter into the weight; a merged adapter is on by definition. */
  void merge() {
    if (lora == null) return;
    if (!lora.merged()) lora.fold(weight, layout, +1);
    loraEnabled = true;
  }

  /**
   * Takes {@code other}'s adapter state (on or off, merged or not) without touching the weight: a
   * replica's projection, whose weight is {@code other}'s storage.
   */
  void followAdapterState(Linear other) {
    if (lora == null) return;
    loraEnabled = other.loraEnabled;
    lora.followMerged(other.lora);
  }

  void unmerge() {
    if (lora != null && lora.merged()) lora.fold(weight, layout, -1);
  }
}
