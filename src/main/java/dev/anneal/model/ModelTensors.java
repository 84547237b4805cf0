package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import dev.anneal.preset.LoraSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's tensors by Hugging Face name, with the rule for which of them train: the adapters under
 * LoRA, else every base weight less the MoE routers while they are frozen. Keeps each tensor's
 * requires-gradient flag in step with that rule.
 */
final class ModelTensors {
  private final Map<String, Param> params;
  private final LoraSpec lora;
  private boolean routerFrozen;

  /**
   * @param params every tensor in model order
   * @param lora the adapters' spec, or null for a model without LoRA
   */
  ModelTensors(Map<String, Param> params, LoraSpec lora) {
    this.params = params;
    this.lora = lora;
    updateTrainable();
  }

  /** The tensors of these kinds under their names, in model order. */
  LinkedHashMap<String, NDArray> select(Param.Kind... kinds) {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    for (Param p : kinds(kinds)) out.put(p.name(), p.array());
    return out;
  }

  /** The params of these kinds, in model order. */
  List<Param> kinds(Param.Kind... kinds) {
    return params.values().stream().filter(p -> List.of(kinds).contains(p.kind())).toList();
  }

  /** What an optimizer updates, under their names. */
  LinkedHashMap<String, NDArray> trainable() {
    LinkedHashMap<String, NDArray> out = new LinkedHashMap<>();
    params.values().stream().filter(this::trains).forEach(p -> out.put(p.name(), p.array()));
    return out;
  }

  /** Every tensor with its kind. */
  List<Param> all() {
    return List.copyOf(params.values());
  }

  /** Every tensor's array, compared by identity in {@link WeightCasts}. */
  List<NDArray> arrays() {
    return params.values().stream().map(Param::array).toList();
  }

  void setRouterFrozen(boolean frozen) {
    routerFrozen = frozen;
    updateTrainable();
  }

  private boolean trains(Param p) {
    if (lora != null) return p.kind() == Param.Kind.LORA;
    if (p.kind() != Param.Kind.BASE) return false;
    return !(routerFrozen && p.name().endsWith(".block_sparse_moe.gate.weight"));
  }

  private void updateTrainable() {
    for (Param p : params.values()) p.array().setRequiresGradient(trains(p));
  }
}
