package dev.anneal.data;

import java.util.SplittableRandom;

/**
 * Fill-in-the-middle: a document cut at two random points into prefix, middle and suffix, then laid
 * out so the model learns to write the middle from both sides (Bavarian et al. 2022; StarCoder's
 * token layout):
 *
 * <ul>
 *   <li>PSM: {@code <fim_prefix> prefix <fim_suffix> suffix <fim_middle> middle}
 *   <li>SPM: {@code <fim_prefix> <fim_suffix> suffix <fim_middle> prefix middle}
 * </ul>
 *
 * Cuts fall on code point boundaries, so each part is valid text and decoding the parts in document
 * order gives the document back exactly.
 *
 * @param prefix text before the first cut
 * @param middle text between the cuts
 * @param suffix text after the second cut
 */
public record Fim(String prefix, String middle, String suffix) {
  /** Token ids of the three markers. */
  public record Markers(int prefix, int middle, int suffix) {}

  /** Cuts {@code text} at two uniformly random code point positions. */
  public static Fim split(String text, SplittableRandom rng) {
    int cps = text.codePointCount(0, text.length());
    int a = rng.nextInt(cps + 1), b = rng.nextInt(cps + 1);
    int lo = text.offsetByCodePoints(0, Math.min(a, b));
    int hi = text.offsetByCodePoints(0, Math.max(a, b));
    return new Fim(text.substring(0, lo), text.substring(lo, hi), text.substring(hi));
  }

  /** Lays out encoded parts in PSM or SPM order with the markers. */
  public static int[] layout(int[] prefix, int[] middle, int[] suffix, Markers m, boolean spm) {
    int[] out = new int[prefix.length + middle.length + suffix.length + 3];
    int n = 0;
    out[n++] = m.prefix();
    if (spm) {
      out[n++] = m.suffix();
      n = put(out, n, suffix);
      out[n++] = m.middle();
      n = put(out, n, prefix);
      put(out, n, middle);
    } else {
      n = put(out, n, prefix);
      out[n++] = m.suffix();
      n = put(out, n, suffix);
      out[n++] = m.middle();
      put(out, n, middle);
    }
    return out;
  }

  /**
   * Undoes {@link #layout}: the token ids of the document in its own order (prefix, middle,
   * suffix), or the input unchanged when it does not start with the prefix marker.
   */
  public static int[] restore(int[] ids, Markers m) {
    if (ids.length < 3 || ids[0] != m.prefix()) return ids;
    boolean spm = ids[1] == m.suffix();
    int s = indexOf(ids, m.suffix(), 1);
    int mid = indexOf(ids, m.middle(), s + 1);
    if (s < 0 || mid < 0) throw new IllegalArgumentException("not a FIM layout: markers missing");
    int[] out = new int[ids.length - 3];
    if (spm) {
      // [P][S] suffix [M] prefix+middle  →  prefix+middle, then suffix
      int n = put(out, 0, java.util.Arrays.copyOfRange(ids, mid + 1, ids.length));
      put(out, n, java.util.Arrays.copyOfRange(ids, 2, mid));
    } else {
      // [P] prefix [S] suffix [M] middle  →  prefix, middle, suffix
      int n = put(out, 0, java.util.Arrays.copyOfRange(ids, 1, s));
      n = put(out, n, java.util.Arrays.copyOfRange(ids, mid + 1, ids.length));
      put(out, n, java.util.Arrays.copyOfRange(ids, s + 1, mid));
    }
    return out;
  }

  private static int put(int[] out, int n, int[] part) {
    System.arraycopy(part, 0, out, n, part.length);
    return n + part.length;
  }

  private static int indexOf(int[] a, int v, int from) {
    for (int i = from; i < a.length; i++) if (a[i] == v) return i;
    return -1;
  }
}
