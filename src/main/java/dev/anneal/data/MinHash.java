package dev.anneal.data;

import java.util.SplittableRandom;

/**
 * MinHash signatures over word 5-shingles, for near-duplicate detection: the fraction of equal
 * entries between two signatures estimates the Jaccard similarity of their shingle sets
 * (standard error about sqrt(J(1-J)/128), 0.03 at J = 0.85).
 */
final class MinHash {
  static final int PERMUTATIONS = 128;
  static final int SHINGLE = 5;
  private static final long[] A = new long[PERMUTATIONS];
  private static final long[] B = new long[PERMUTATIONS];

  static {
    SplittableRandom r = new SplittableRandom(0x5EED_1234L);
    for (int i = 0; i < PERMUTATIONS; i++) {
      A[i] = r.nextLong() | 1L;
      B[i] = r.nextLong();
    }
  }

  private MinHash() {}

  /** The signature of {@code text}'s shingles (words and single punctuation marks). */
  static long[] signature(String text) {
    long[] words = words(text);
    long[] sig = new long[PERMUTATIONS];
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    int count = Math.max(1, words.length - SHINGLE + 1);
    for (int s = 0; s < count; s++) {
      long h = 0x9E3779B97F4A7C15L;
      for (int k = s; k < Math.min(words.length, s + SHINGLE); k++) h = mix(h ^ words[k]);
      for (int i = 0; i < PERMUTATIONS; i++) {
        long v = (A[i] * h + B[i]) >>> 1; // multiply-shift: a cheap universal permutation
        if (v < sig[i]) sig[i] = v;
      }
    }
    return sig;
  }

  /** Estimated Jaccard similarity: the share of equal signature entries. */
  static double similarity(long[] a, long[] b) {
    int same = 0;
    for (int i = 0; i < PERMUTATIONS; i++) if (a[i] == b[i]) same++;
    return (double) same / PERMUTATIONS;
  }

  /** Whether the estimated similarity reaches {@code threshold}; stops once it cannot. */
  static boolean atLeast(long[] a, long[] b, double threshold) {
    int allowed = PERMUTATIONS - (int) Math.ceil(threshold * PERMUTATIONS);
    int differ = 0;
    for (int i = 0; i < PERMUTATIONS; i++) {
      if (a[i] != b[i] && ++differ > allowed) return false;
    }
    return true;
  }

  private static long[] words(String text) {
    long[] out = new long[Math.max(16, text.length() / 4)];
    int n = 0;
    int i = 0;
    int len = text.length();
    while (i < len) {
      char c = text.charAt(i);
      if (c <= ' ') {
        i++;
        continue;
      }
      long h = 0xCBF29CE484222325L;
      if (Character.isLetterOrDigit(c) || c == '_') {
        while (i < len && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_')) {
          h = (h ^ text.charAt(i++)) * 0x100000001B3L;
        }
      } else {
        h = (h ^ c) * 0x100000001B3L;
        i++;
      }
      if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
      out[n++] = h;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
