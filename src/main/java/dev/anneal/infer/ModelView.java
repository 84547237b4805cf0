package dev.anneal.infer;

import ai.djl.ndarray.NDArray;
import dev.anneal.model.CausalLm;
import dev.anneal.model.ForwardResult;
import dev.anneal.model.KvCache;
import dev.anneal.tokenizer.TextTokenizer;

/**
 * One side of a comparison: a loaded model with its adapter on or off. Two views may share one
 * {@link LoadedLm}; each forward first sets the adapter switch (a flag, no reload), so the views
 * must be used from one thread at a time.
 *
 * @param adapterOn whether the LoRA adapter takes part (ignored for a model without one)
 */
public record ModelView(LoadedLm lm, boolean adapterOn, String label) {

  public TextTokenizer tokenizer() {
    return lm.tokenizer();
  }

  public int context() {
    return lm.model().spec().context();
  }

  public int vocab() {
    return lm.model().spec().vocab();
  }

  /** The architecture of the model behind this view. */
  public dev.anneal.preset.ModelSpec spec() {
    return lm.model().spec();
  }

  /** The model with this view's adapter setting applied (for the trainer's val-split loss). */
  public CausalLm model() {
    CausalLm m = lm.model();
    if (lm.hasAdapter()) m.adapters().setEnabled(adapterOn);
    return m;
  }

  /** A cached forward: ids (1, T) → logits (1, T, V). */
  ForwardResult forward(NDArray ids, KvCache cache) {
    return model().forward(ids, cache);
  }

  /** A full forward without cache, each row one document: ids (B, T) → logits (B, T, V). */
  ForwardResult forward(NDArray ids) {
    return model().forward(ids, null, false);
  }
}
