package dev.anneal.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.anneal.model.KvCache;
import java.util.Arrays;

/**
 * One model writing one output, a token per {@link #step()}: the prompt goes through the model once
 * (prefill, filling the KV cache), then each step draws a token from the last logits and feeds just
 * that token back. Stepping lets a comparison alternate two models on one thread, so both stream at
 * once without fighting over the cores.
 */
public final class Generation implements AutoCloseable {
  private final ModelView view;
  private final SamplingSettings settings;
  private final Sampler sampler;
  private final TextStream text;
  private final NDManager manager = NDManager.newBaseManager();
  private final KvCache cache;
  private final int promptLength;
  private final int eos;
  private int[] seen;
  private int length;
  private float[] nextLogits;
  private FinishReason finish;
  private long decodeNanos;
  private final double prefillSeconds;

  private Generation(ModelView view, int[] promptIds, SamplingSettings settings) {
    this.view = view;
    this.settings = settings;
    this.sampler = new Sampler(settings);
    this.text = new TextStream(view.tokenizer()::decode, settings.stop());
    this.eos = view.tokenizer().eosId();
    this.promptLength = promptIds.length;
    this.seen = Arrays.copyOf(promptIds, promptIds.length + settings.maxTokens());
    this.length = promptIds.length;
    int room = Math.min(view.context(), promptIds.length + settings.maxTokens());
    this.cache = view.lm().model().newCache(1, room);
    long t0 = System.nanoTime();
    try {
      this.nextLogits = forward(promptIds);
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.prefillSeconds = (System.nanoTime() - t0) / 1e9;
  }

  /**
   * Encodes the prompt and runs it through the model. An empty prompt starts from the end-of-text
   * token, as a new document does.
   *
   * @throws IllegalArgumentException when the prompt leaves no room in the context
   */
  public static Generation start(ModelView view, Prompt prompt, SamplingSettings settings) {
    int[] ids = prompt.encode(view.tokenizer());
    if (ids.length == 0) {
      int eos = view.tokenizer().eosId();
      if (eos < 0)
        throw new IllegalArgumentException(
            "the prompt is empty and the tokenizer has no end-of-text token to start from");
      ids = new int[] {eos};
    }
    return start(view, ids, settings);
  }

  /** As {@link #start(ModelView, Prompt, SamplingSettings)} from token ids. */
  public static Generation start(ModelView view, int[] promptIds, SamplingSettings settings) {
    if (promptIds.length >= view.context()) {
      throw new IllegalArgumentException(
          "the prompt has "
              + promptIds.length
              + " tokens; the model's context of "
              + view.context()
              + " leaves no room to generate");
    }
    for (int id : promptIds) {
      if (id < 0 || id >= view.vocab()) {
        throw new IllegalArgumentException(
            "prompt token id " + id + " is outside the vocabulary of " + view.vocab());
      }
    }
    return new Generation(view, promptIds, settings);
  }

  public boolean done() {
    return finish != null;
  }

  /** Draws the next token and runs it through the model (unless it ends the output). */
  public TokenEvent step() {
    if (done()) throw new IllegalStateException("generation already ended: " + finish.id());
    long t0 = System.nanoTime();
    int id = sampler.next(nextLogits, Arrays.copyOf(seen, length));
    String delta;
    if (id == eos) {
      finish = FinishReason.EOS;
      delta = text.flush();
    } else {
      seen[length++] = id;
      delta = text.accept(id);
      if (text.stopped()) finish = FinishReason.STOP;
      else if (generated() == settings.maxTokens()) finish = FinishReason.LENGTH;
      else if (cache.length() >= cache.maxLen()) finish = FinishReason.CONTEXT;
      if (finish == FinishReason.LENGTH || finish == FinishReason.CONTEXT) delta += text.flush();
      if (finish == null) nextLogits = forward(new int[] {id});
    }
    decodeNanos += System.nanoTime() - t0;
    return new TokenEvent(id, delta, generated(), tokensPerSecond(), finish);
  }

  /** Ends the output where it is (the user pressed Stop); returns what was held back. */
  public String cancel() {
    if (done()) return "";
    finish = FinishReason.CANCELLED;
    return text.flush();
  }

  public int generated() {
    return length - promptLength;
  }

  /** New tokens per second of decoding so far. */
  public double tokensPerSecond() {
    return decodeNanos == 0 ? 0 : generated() / (decodeNanos / 1e9);
  }

  public GenerationResult result() {
    return new GenerationResult(
        view.label(),
        Arrays.copyOf(seen, promptLength),
        Arrays.copyOfRange(seen, promptLength, length),
        text.text(),
        finish,
        tokensPerSecond(),
        prefillSeconds);
  }

  /** ids (1, T) through the cached forward; the logits of the last position (V). */
  private float[] forward(int[] ids) {
    try (NoGrad g = NoGrad.enter();
        NDManager step = manager.newSubManager()) {
      long[] l = new long[ids.length];
      for (int i = 0; i < ids.length; i++) l[i] = ids[i];
      NDArray logits = view.forward(step.create(l, new Shape(1, ids.length)), cache).logits();
      return logits.get(new NDIndex(0, ids.length - 1)).toFloatArray();
    }
  }

  @Override
  public void close() {
    cache.close();
    manager.close();
  }
}
