package dev.anneal.infer;

import dev.anneal.data.Fim;
import dev.anneal.tokenizer.TextTokenizer;

/**
 * What the model continues: plain text, or fill-in-the-middle (the text before and after a hole;
 * the model writes the middle) laid out as training laid it out, PSM: {@code <fim_prefix> prefix
 * <fim_suffix> suffix <fim_middle>}.
 *
 * @param text   the text to continue, or the prefix for FIM
 * @param suffix the text after the hole, or null for plain continuation
 */
public record Prompt(String text, String suffix) {
  public Prompt {
    if (text == null) text = "";
  }

  public static Prompt of(String text) {
    return new Prompt(text, null);
  }

  public static Prompt fim(String prefix, String suffix) {
    return new Prompt(prefix, suffix == null ? "" : suffix);
  }

  public boolean isFim() {
    return suffix != null;
  }

  /** The token ids fed to the model. */
  public int[] encode(TextTokenizer tokenizer) {
    if (!isFim()) return tokenizer.encode(text);
    int[] markers = tokenizer.fimIds();
    if (markers == null) {
      throw new IllegalArgumentException(tokenizer.file()
          + " has no FIM tokens (<fim_prefix>, <fim_middle>, <fim_suffix>): fill-in-the-middle needs them");
    }
    return Fim.layout(tokenizer.encode(text), new int[0], tokenizer.encode(suffix),
        new Fim.Markers(markers[0], markers[1], markers[2]), false);
  }
}
