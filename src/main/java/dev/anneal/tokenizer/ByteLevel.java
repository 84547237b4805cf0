package dev.anneal.tokenizer;

import java.util.regex.Pattern;

/**
 * GPT-2's byte-level alphabet: every byte has a printable stand-in character, so a vocabulary of
 * strings covers any UTF-8 text, and the pre-tokenizer pattern that HF's {@code ByteLevel}
 * pre-tokenizer uses with {@code use_regex: true}. Training splits text the same way, so every
 * merge learned here is one the loaded tokenizer can apply.
 */
public final class ByteLevel {
  /**
   * HF tokenizers' ByteLevel pattern (GPT-2). Unicode {@code \\s} (White_Space, as Oniguruma has
   * it) so no-break and ideographic spaces split as the native library splits them. The definition
   * the encoder and the trainer follow; they split with {@link PreTokenizer}, which tests hold to
   * it.
   */
  public static final Pattern PRE_TOKENIZE =
      Pattern.compile(
          "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
          Pattern.UNICODE_CHARACTER_CLASS);

  private static final char[] BYTE_TO_CHAR = new char[256];

  static {
    int n = 0;
    for (int b = 0; b < 256; b++) {
      boolean printable =
          (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      BYTE_TO_CHAR[b] = printable ? (char) b : (char) (256 + n++);
    }
  }

  private ByteLevel() {}

  /** The stand-in character of byte {@code b} (0..255). */
  public static char charOf(int b) {
    return BYTE_TO_CHAR[b & 0xFF];
  }

  /** A piece of text as its byte-level string (one stand-in character per UTF-8 byte). */
  public static String encode(String piece) {
    byte[] bytes = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    char[] out = new char[bytes.length];
    for (int i = 0; i < bytes.length; i++) out[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
    return new String(out);
  }
}
