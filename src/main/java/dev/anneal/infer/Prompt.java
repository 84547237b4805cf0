package dev.anneal.infer;

import dev.anneal.data.Fim;
import dev.anneal.data.sample.ChatMessage;
import dev.anneal.tokenizer.ChatTemplate;
import dev.anneal.tokenizer.TextTokenizer;
import java.util.List;

/**
 * What the model continues: plain text, fill-in-the-middle (the text before and after a hole; the
 * model writes the middle) laid out as training laid it out, PSM: {@code <fim_prefix> prefix
 * <fim_suffix> suffix <fim_middle>}, or a chat: the text as a user's turn, rendered with the
 * tokenizer's chat template and its generation prompt (the model writes the assistant's turn).
 *
 * @param text the text to continue, the prefix for FIM, or the user's message for a chat
 * @param suffix the text after the hole, or null for plain continuation
 * @param chat whether the text is a user's message to render with the chat template
 */
public record Prompt(String text, String suffix, boolean chat) {
  public Prompt {
    if (text == null) text = "";
    if (chat && suffix != null)
      throw new IllegalArgumentException("a prompt is a chat or fill-in-the-middle, not both");
  }

  public Prompt(String text, String suffix) {
    this(text, suffix, false);
  }

  public static Prompt of(String text) {
    return new Prompt(text, null);
  }

  public static Prompt fim(String prefix, String suffix) {
    return new Prompt(prefix, suffix == null ? "" : suffix);
  }

  /** A user's message, sent as a chat-formatted prompt. */
  public static Prompt chat(String message) {
    return new Prompt(message, null, true);
  }

  /** The text the model sees: for a chat, the rendered template up to the assistant's turn. */
  public String rendered(TextTokenizer tokenizer) {
    if (!chat) return text;
    try {
      return ChatTemplate.forTokenizer(tokenizer.file())
          .render(List.of(new ChatMessage("user", text)), true);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  public boolean isFim() {
    return suffix != null;
  }

  /** The token ids fed to the model. */
  public int[] encode(TextTokenizer tokenizer) {
    if (chat) return tokenizer.encode(rendered(tokenizer));
    if (!isFim()) return tokenizer.encode(text);
    int[] markers = tokenizer.fimIds();
    if (markers == null) {
      throw new IllegalArgumentException(
          tokenizer.file()
              + " has no FIM tokens (<fim_prefix>, <fim_middle>, <fim_suffix>): fill-in-the-middle needs them");
    }
    return Fim.layout(
        tokenizer.encode(text),
        new int[0],
        tokenizer.encode(suffix),
        new Fim.Markers(markers[0], markers[1], markers[2]),
        false);
  }
}
