package dev.anneal.model;

import dev.anneal.model.io.HostTensor;
import java.util.List;
import java.util.function.Function;

/**
 * A model's LoRA adapters: their tensors in and out, and their switchable state projection by
 * projection (on or off, merged into the base weights or not). A model without adapters has
 * projections that ignore the state, and no tensors to move.
 */
public final class Adapters {
  private final List<Linear> projections;
  private final List<Param> tensors;
  private final boolean present;

  /**
   * @param tensors the adapter matrices, in model order
   * @param present the model has adapters (its LoRA spec is not null)
   */
  Adapters(List<Linear> projections, List<Param> tensors, boolean present) {
    this.projections = List.copyOf(projections);
    this.tensors = List.copyOf(tensors);
    this.present = present;
  }

  /**
   * The adapters as host tensors named {@code M.lora_A.weight}; PEFT files prefix {@code
   * base_model.model.}.
   */
  public List<HostTensor> export() {
    return TensorTransfer.export(tensors);
  }

  /**
   * Replaces the adapters, asked for by {@code M.lora_A.weight} names; as {@link
   * CausalLm#loadWeights}.
   */
  public void load(Function<String, HostTensor> source) {
    if (!present) throw new IllegalStateException("this model has no LoRA adapters");
    TensorTransfer.load(tensors, source, Function.identity());
  }

  /** Folds every adapter into its base weight (W += alpha/r · B·A); forwards then skip them. */
  public void merge() {
    projections.forEach(Linear::merge);
  }

  /** Takes merged adapters back out of the base weights (exact up to fp32 rounding, as PEFT). */
  public void unmerge() {
    projections.forEach(Linear::unmerge);
  }

  /**
   * Switches the adapters off (exactly the base model) or on, without reloading. Switching off a
   * merged model unmerges it first.
   */
  public void setEnabled(boolean enabled) {
    projections.forEach(l -> l.setLoraEnabled(enabled));
  }

  /**
   * Takes {@code original}'s state for these adapters of a replica ({@link CausalLm#replica}),
   * without folding anything: the weights are the original's.
   */
  public void follow(Adapters original) {
    for (int i = 0; i < projections.size(); i++)
      projections.get(i).followAdapterState(original.projections.get(i));
  }
}
