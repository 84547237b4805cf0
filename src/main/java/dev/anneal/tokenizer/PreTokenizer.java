package dev.anneal.tokenizer;

/**
 * {@link ByteLevel#PRE_TOKENIZE}'s pieces found without the regex engine: the same pieces (tests
 * compare the two on every class of character, in whole texts and in regions), at a fraction of the
 * cost; the pattern's alternatives and backtracking took a third of tokenizing a dataset.
 *
 * <p>The pattern ({@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+|
 * ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}) matches at every position, so its pieces tile the text, and
 * {@link #pieceEnd} says where the piece that starts at a position ends: a contraction; else an
 * optional space and a run of letters, of numbers or of other marks; else a run of whitespace, less
 * its last character when a non-space follows and the run is longer than one (that character starts
 * the next piece, " word").
 */
final class PreTokenizer {
  private PreTokenizer() {}

  static final int LETTER = 0;
  static final int NUMBER = 1;
  static final int SPACE = 2;
  static final int OTHER = 3;

  private static final byte[] ASCII = new byte[128];

  static {
    for (int c = 0; c < 128; c++) ASCII[c] = (byte) classOf(c);
  }

  /**
   * The class of code point {@code cp} as the pattern's {@code \p{L}}, {@code \p{N}} and {@code \s}
   * see it.
   */
  static int classOf(int cp) {
    if (Character.isLetter(cp)) return LETTER;
    int type = Character.getType(cp);
    if (type == Character.DECIMAL_DIGIT_NUMBER
        || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER) return NUMBER;
    // Unicode White_Space, as the pattern's \s has it with UNICODE_CHARACTER_CLASS.
    if (type == Character.SPACE_SEPARATOR
        || type == Character.LINE_SEPARATOR
        || type == Character.PARAGRAPH_SEPARATOR
        || (cp >= 0x9 && cp <= 0xd)
        || cp == 0x85) return SPACE;
    return OTHER;
  }

  /**
   * The class of the code point at {@code i} (below {@code to}). A surrogate pair that the region's
   * end cuts counts as its high half alone, as the pattern's classes read it there.
   */
  private static int classAt(String s, int i, int to) {
    char c = s.charAt(i);
    if (c < 128) return ASCII[c];
    return width(s, i, to) == 2 ? classOf(s.codePointAt(i)) : classOf(c);
  }

  /** Chars of the code point at {@code i}: 2 for a surrogate pair within the region, else 1. */
  private static int width(String s, int i, int to) {
    return i + 1 < to
            && Character.isHighSurrogate(s.charAt(i))
            && Character.isLowSurrogate(s.charAt(i + 1))
        ? 2
        : 1;
  }

  /** Where the run of class {@code cls} that starts at {@code i} ends (at most {@code to}). */
  private static int run(String s, int i, int to, int cls) {
    while (i < to && classAt(s, i, to) == cls) i += width(s, i, to);
    return i;
  }

  /**
   * The end of the piece of {@code s[from, to)} that starts at {@code i}, as {@code Matcher.find}
   * over that region gives it.
   */
  static int pieceEnd(String s, int i, int to) {
    char c = s.charAt(i);
    if (c == '\'' && i + 1 < to) {
      char d = s.charAt(i + 1);
      if (d == 's' || d == 't' || d == 'm' || d == 'd') return i + 2;
      if (i + 2 < to) {
        char e = s.charAt(i + 2);
        if ((d == 'r' || d == 'v') && e == 'e' || d == 'l' && e == 'l') return i + 3;
      }
    }
    if (c == ' ' && i + 1 < to) {
      int next = classAt(s, i + 1, to);
      if (next != SPACE) return run(s, i + 1, to, next);
    }
    int cls = classAt(s, i, to);
    int end = run(s, i, to, cls);
    if (cls != SPACE || end == to || cutPair(s, end, to)) return end;
    // \s+(?!\S): a run followed by a non-space gives up its last char if it has two or more
    // (whitespace is never a surrogate pair).
    return end - 1 > i ? end - 1 : end;
  }

  /**
   * Whether a surrogate pair starts at {@code i} and the region's end cuts it. A piece takes its
   * high half as a lone surrogate, but the lookahead {@code (?!\S)} sees nothing there.
   */
  private static boolean cutPair(String s, int i, int to) {
    return i + 1 == to
        && to < s.length()
        && Character.isHighSurrogate(s.charAt(i))
        && Character.isLowSurrogate(s.charAt(to));
  }
}
