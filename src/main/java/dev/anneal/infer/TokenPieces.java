package dev.anneal.infer;

import dev.anneal.tokenizer.TextTokenizer;
import java.util.Arrays;

/**
 * The text each token adds, so that a text coloured token by token reads as the text itself.
 * Decoding a token alone is not enough: a byte-level token may hold half a character (it decodes as
 * U+FFFD) and some decoders drop a leading space. Each piece is the difference between the decoded
 * text of a few tokens before it, with and without it.
 */
final class TokenPieces {
  private static final int LOOK_BACK = 8;

  private TokenPieces() {}

  /** The piece of ids[i] for each i. */
  static String[] of(TextTokenizer tokenizer, int[] ids) {
    String[] out = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      int from = Math.max(0, i - LOOK_BACK);
      String before = complete(tokenizer.decode(Arrays.copyOfRange(ids, from, i)));
      String with = complete(tokenizer.decode(Arrays.copyOfRange(ids, from, i + 1)));
      out[i] =
          with.startsWith(before)
              ? with.substring(before.length())
              : tokenizer.decode(new int[] {ids[i]});
    }
    return out;
  }

  /** Drops a trailing replacement character: the rest of that character is still to come. */
  private static String complete(String s) {
    int n = s.length();
    while (n > 0 && s.charAt(n - 1) == '\uFFFD') n--;
    return s.substring(0, n);
  }
}
