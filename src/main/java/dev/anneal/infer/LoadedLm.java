package dev.anneal.infer;

import ai.djl.ndarray.NDManager;
import dev.anneal.model.CausalLm;
import dev.anneal.tokenizer.TextTokenizer;

/**
 * A model loaded for generation and evaluation, with its tokenizer. When it carries a LoRA adapter,
 * {@link #base()} and {@link #tuned()} are the same weights with the adapter off and on: one load
 * serves both sides of a comparison.
 */
public final class LoadedLm implements AutoCloseable {
  private final NDManager manager;
  private final CausalLm model;
  private final TextTokenizer tokenizer;
  private final String label;
  private final boolean hasAdapter;

  LoadedLm(NDManager manager, CausalLm model, TextTokenizer tokenizer, String label) {
    this.manager = manager;
    this.model = model;
    this.tokenizer = tokenizer;
    this.label = label;
    this.hasAdapter = model.lora() != null;
  }

  public CausalLm model() {
    return model;
  }

  public TextTokenizer tokenizer() {
    return tokenizer;
  }

  /** What was loaded, for display ("runs/nano-…/best + adapter runs/lora-…"). */
  public String label() {
    return label;
  }

  public boolean hasAdapter() {
    return hasAdapter;
  }

  /** The model as loaded: with its adapter on, when it has one. */
  public ModelView view() {
    return new ModelView(this, hasAdapter, label);
  }

  /** The base weights alone (the adapter switched off; the model itself when it has none). */
  public ModelView base() {
    return new ModelView(this, false, hasAdapter ? label + " (adapter off)" : label);
  }

  /** The base weights with the adapter on. */
  public ModelView tuned() {
    if (!hasAdapter) throw new IllegalStateException(label + " has no adapter to switch on");
    return new ModelView(this, true, label);
  }

  @Override
  public void close() {
    model.close();
    tokenizer.close();
    manager.close();
    dev.anneal.engine.NativeMemory.trim(); // the heap keeps freed blocks (NativeMemory)
  }
}
