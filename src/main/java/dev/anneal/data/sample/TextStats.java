package dev.anneal.data.sample;

/**
 * What the build's quality filter and stats need of a sample's text, from one pass over its
 * characters: its longest line (in chars, newlines not counted), its visible (above {@code ' '})
 * and alphanumeric characters, and its {@link TokenEstimate}. The build used to read each sample
 * twice for these, once to filter and once to estimate; the two counts share this loop for little
 * more than either alone.
 */
public record TextStats(int longestLine, int visible, int alphanumeric, int tokens) {
  /** Per ASCII char: its {@link TokenEstimate} class (bits 0-1), alphanumeric (4), visible (8). */
  private static final byte[] ASCII = new byte[128];

  private static final int ALPHANUMERIC = 4;
  private static final int VISIBLE = 8;

  static {
    for (char c = 0; c < 128; c++) {
      int cls = Character.isLetterOrDigit(c) || c == '_' ? 1 : c <= ' ' ? 3 : 2;
      ASCII[c] =
          (byte)
              (cls | (Character.isLetterOrDigit(c) ? ALPHANUMERIC : 0) | (c > ' ' ? VISIBLE : 0));
    }
  }

  /** Per thread, the chars of the text, kept between texts: a char[] loop skips charAt's checks. */
  private static final ThreadLocal<char[][]> CHARS =
      ThreadLocal.withInitial(() -> new char[][] {new char[4096]});

  public static TextStats of(String s) {
    int n = s.length();
    char[][] holder = CHARS.get();
    char[] cs = holder[0];
    if (cs.length < n) holder[0] = cs = new char[Math.max(n, 2 * cs.length)];
    s.getChars(0, n, cs, 0);
    int pieces = 0;
    int bytes = n; // one per char, plus the extra UTF-8 bytes of the others
    int prev = 0;
    int visible = 0;
    int alphanumeric = 0;
    int lineStart = 0;
    int longest = 0;
    for (int i = 0; i < n; i++) {
      char c = cs[i];
      int info;
      if (c < 0x80) {
        info = ASCII[c];
        if (c == '\n') {
          longest = Math.max(longest, i - lineStart);
          lineStart = i + 1;
        }
      } else {
        bytes += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
        info = Character.isLetterOrDigit(c) ? 1 | ALPHANUMERIC | VISIBLE : 2 | VISIBLE;
      }
      int cls = info & 3;
      pieces += TokenEstimate.startsPiece(prev, cls);
      prev = cls;
      alphanumeric += (info & ALPHANUMERIC) >> 2;
      visible += (info & VISIBLE) >> 3;
    }
    longest = Math.max(longest, n - lineStart);
    return new TextStats(longest, visible, alphanumeric, Math.max(pieces, (bytes + 3) / 4));
  }
}
