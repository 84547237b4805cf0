package dev.anneal.infer;

import dev.anneal.model.io.PeftAdapter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The two sides of a comparison, loaded. Base plus an adapter is loaded once: the tuned side is the
 * same weights with the adapter switched on. A tuned checkpoint (or a LoRA run, which brings its
 * own base) is loaded beside the base.
 */
public final class ModelPair implements AutoCloseable {
  private final List<LoadedLm> loaded;
  private final ModelView base;
  private final ModelView tuned;

  private ModelPair(List<LoadedLm> loaded, ModelView base, ModelView tuned) {
    this.loaded = loaded;
    this.base = base;
    this.tuned = tuned;
  }

  /**
   * @param tuned a model folder, a PEFT adapter folder (put on the base), or null when {@code
   *     adapter} alone makes the tuned side
   * @param adapter an adapter for the tuned side (on the base when {@code tuned} is null), or null
   * @param tokenizer a tokenizer.json for both, or null for each model's own
   */
  public static ModelPair load(Path base, Path tuned, Path adapter, Path tokenizer)
      throws IOException {
    if (tuned == null || PeftAdapter.isAdapterFolder(tuned)) {
      Path a = tuned != null ? tuned : adapter;
      if (a == null)
        throw new IllegalArgumentException("give a tuned model, or an adapter to put on the base");
      if (tuned != null && adapter != null)
        throw new IllegalArgumentException(tuned + " is an adapter already; drop --adapter");
      LoadedLm lm = ModelLoader.load(base, a, tokenizer);
      return new ModelPair(List.of(lm), lm.base(), lm.tuned());
    }
    LoadedLm b = ModelLoader.load(base, null, tokenizer);
    try {
      LoadedLm t = ModelLoader.load(tuned, adapter, tokenizer);
      return new ModelPair(List.of(b, t), b.view(), t.view());
    } catch (IOException | RuntimeException e) {
      b.close();
      throw e;
    }
  }

  public ModelView base() {
    return base;
  }

  public ModelView tuned() {
    return tuned;
  }

  /** Whether both sides read text the same way (needed for a per-token difference). */
  public boolean sameTokenizer() {
    return base.tokenizer().sha256().equals(tuned.tokenizer().sha256());
  }

  @Override
  public void close() {
    loaded.forEach(LoadedLm::close);
  }
}
