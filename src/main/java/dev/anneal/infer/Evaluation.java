package dev.anneal.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.anneal.task.Cancellation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Loss and perplexity of a model on a text, with the loss of every predicted token. (On a dataset's
 * val split, as the trainer measures it: {@code train.ValSplitLoss}.)
 */
public final class Evaluation {
  private Evaluation() {}

  /**
   * The text of a result's first token, which has no loss (nothing before it to predict it from)
   * and so is not among {@link EvalResult#tokens()}; empty when there are no input ids.
   */
  public static String firstPiece(ModelView view, EvalResult result) {
    if (result.inputIds().length == 0) return "";
    return TokenPieces.of(view.tokenizer(), new int[] {result.inputIds()[0]})[0];
  }

  public static EvalResult ofText(ModelView view, String text, Cancellation cancellation) {
    return ofIds(view, view.tokenizer().encode(text), cancellation);
  }

  /**
   * Predicts every position after the first. A text longer than the context goes through in windows
   * of the context, each starting at the last token of the one before, so every position is
   * predicted exactly once and always with some context.
   */
  public static EvalResult ofIds(ModelView view, int[] ids, Cancellation cancellation) {
    if (ids.length < 2) {
      throw new IllegalArgumentException(
          "the text has "
              + ids.length
              + " token(s): a loss needs at least 2 (one to read, one to predict)");
    }
    for (int id : ids) {
      if (id < 0 || id >= view.vocab())
        throw new IllegalArgumentException(
            "token id " + id + " is outside the vocabulary of " + view.vocab());
    }
    double[] losses = new double[ids.length - 1];
    int ctx = view.context();
    try (NoGrad g = NoGrad.enter();
        NDManager root = NDManager.newBaseManager()) {
      for (int start = 0; start + 1 < ids.length; start += ctx - 1) {
        cancellation.check();
        int end = Math.min(ids.length, start + ctx);
        float[] window = windowLosses(view, Arrays.copyOfRange(ids, start, end), root);
        for (int k = 0; k < window.length; k++) losses[start + k] = window[k];
      }
    }
    String[] pieces = TokenPieces.of(view.tokenizer(), ids);
    List<TokenLoss> tokens = new ArrayList<>(losses.length);
    double sum = 0;
    for (int i = 0; i < losses.length; i++) {
      tokens.add(new TokenLoss(ids[i + 1], pieces[i + 1], losses[i]));
      sum += losses[i];
    }
    double mean = sum / losses.length;
    return new EvalResult(
        view.label(), ids.clone(), List.copyOf(tokens), mean, Math.exp(mean), losses.length);
  }

  /** −log p(ids[t+1] | ids[..t]) for t = 0 … T−2 of one window (T ≤ context). */
  private static float[] windowLosses(ModelView view, int[] ids, NDManager root) {
    try (NDManager m = root.newSubManager()) {
      int t = ids.length;
      long[] input = new long[t - 1];
      long[] target = new long[t - 1];
      for (int i = 0; i < t - 1; i++) {
        input[i] = ids[i];
        target[i] = ids[i + 1];
      }
      NDArray logits = view.forward(m.create(input, new Shape(1, t - 1))).logits(); // (1, T-1, V)
      NDArray picked = logits.logSoftmax(-1).gather(m.create(target, new Shape(1, t - 1, 1)), -1);
      return picked.neg().toFloatArray();
    }
  }
}
