package dev.anneal.data.extract;

import java.util.Arrays;

/** Line numbers of character offsets in one text (1-based), by binary search over line starts. */
public final class Lines {
  private final int[] starts;
  private final int count;

  public Lines(String text) {
    int[] s = new int[64];
    int n = 1;
    for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      if (n == s.length) s = Arrays.copyOf(s, n * 2);
      s[n++] = i + 1;
    }
    starts = s;
    count = n;
  }

  /** The 1-based line holding {@code offset}. */
  public int lineOf(int offset) {
    int k = Arrays.binarySearch(starts, 0, count, offset);
    return k >= 0 ? k + 1 : -k - 1;
  }

  /** Offset where 1-based {@code line} starts. */
  public int startOf(int line) {
    return starts[line - 1];
  }

  public int count() {
    return count;
  }

  /** Widens {@code offset} to the start of its line when only indentation precedes it. */
  static int widenToLineStart(String text, int offset) {
    int p = offset;
    while (p > 0 && (text.charAt(p - 1) == ' ' || text.charAt(p - 1) == '\t')) p--;
    return p == 0 || text.charAt(p - 1) == '\n' ? p : offset;
  }
}
