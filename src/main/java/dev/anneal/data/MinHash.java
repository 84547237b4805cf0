package dev.anneal.data;

/**
 * MinHash signatures over word 5-shingles, for near-duplicate detection: the fraction of equal
 * entries between two signatures estimates the Jaccard similarity of their shingle sets (standard
 * error about sqrt(J(1-J)/128), 0.03 at J = 0.85).
 *
 * <p>Small texts get classic MinHash, 128 multiply-shift permutations of each shingle's hash. Texts
 * of at least {@value #ONE_PERMUTATION_FROM} shingles get one-permutation hashing (Li, Owen and
 * Zhang 2012): each shingle is hashed once and kept as the minimum of one of 128 bins, so a long
 * file costs one hash per shingle instead of 128. With that many shingles under one bin in 3,000 is
 * empty; those borrow from the next full bin (Shrivastava and Li 2014). The two kinds never agree
 * by chance, and a text 8 times longer than another cannot be its near-duplicate anyway.
 */
final class MinHash {
  static final int PERMUTATIONS = 128;
  static final int SHINGLE = 5;
  static final int ONE_PERMUTATION_FROM = 1024;
  private static final int BIN_SHIFT = 64 - 7; // 2^7 = 128 bins from a hash's top bits
  private static final long VALUE_MASK = (1L << BIN_SHIFT) - 1;
  private static final long ROTATION = 0x2545F4914F6CDD1DL;
  private static final long[] A = new long[PERMUTATIONS];
  private static final long[] B = new long[PERMUTATIONS];

  static {
    java.util.SplittableRandom r = new java.util.SplittableRandom(0x5EED_1234L);
    for (int i = 0; i < PERMUTATIONS; i++) {
      A[i] = r.nextLong() | 1L;
      B[i] = r.nextLong();
    }
  }

  private MinHash() {}

  /** The signature of {@code text}'s shingles (words and single punctuation marks). */
  static long[] signature(String text) {
    return signature(text, 0);
  }

  /** The signature of the shingles of {@code text} from offset {@code from} on. */
  static long[] signature(String text, int from) {
    long[] words = words(text, from);
    int count = Math.max(1, words.length - SHINGLE + 1);
    // Shingle s mixes in words s .. s+4 in turn (fewer when the text has under 5 words). Word-
    // outer, shingle-inner gives the same hashes and vectorises over the shingles.
    long[] shingles = new long[count];
    java.util.Arrays.fill(shingles, 0x9E3779B97F4A7C15L);
    for (int k = 0; k < SHINGLE; k++) {
      int upto = Math.min(count, words.length - k);
      for (int s = 0; s < upto; s++) shingles[s] = mix(shingles[s] ^ words[s + k]);
    }
    long[] sig = new long[PERMUTATIONS];
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    if (count >= ONE_PERMUTATION_FROM) {
      onePermutation(shingles, sig);
    } else {
      permute(shingles, sig);
    }
    return sig;
  }

  /**
   * Each permutation's minimum over all shingles. Permutation-outer keeps the running minimum in a
   * register and vectorises over the shingles, twice as fast as shingle-outer.
   */
  private static void permute(long[] shingles, long[] sig) {
    for (int i = 0; i < PERMUTATIONS; i++) {
      long a = A[i];
      long b = B[i];
      long min = Long.MAX_VALUE;
      for (long h : shingles)
        min = Math.min(min, (a * h + b) >>> 1); // multiply-shift: a cheap universal permutation
      sig[i] = min;
    }
  }

  private static void onePermutation(long[] shingles, long[] sig) {
    for (long h : shingles) {
      int bin = (int) (h >>> BIN_SHIFT);
      sig[bin] = Math.min(sig[bin], h & VALUE_MASK);
    }
    densify(sig);
    for (int i = 0; i < PERMUTATIONS; i++)
      sig[i] = -1 - sig[i]; // negative: never equals a classic value
  }

  /** Fills each empty bin from the next non-empty one (circularly), offset by the distance. */
  private static void densify(long[] sig) {
    int n = sig.length;
    int anyFull = -1;
    for (int i = 0; i < n; i++) if (sig[i] != Long.MAX_VALUE) anyFull = i;
    if (anyFull < 0) return;
    long[] filled = sig.clone();
    for (int i = 0; i < n; i++) {
      if (sig[i] != Long.MAX_VALUE) continue;
      int d = 1;
      while (sig[(i + d) % n] == Long.MAX_VALUE) d++;
      filled[i] = sig[(i + d) % n] + d * ROTATION;
    }
    System.arraycopy(filled, 0, sig, 0, n);
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

  /**
   * FNV-1a hashes of the words (letters, digits, '_') and single other marks from {@code from} on.
   */
  private static long[] words(String text, int from) {
    char[] cs = new char[text.length() - from]; // a char[] loop skips String.charAt's checks
    text.getChars(from, text.length(), cs, 0);
    int len = cs.length;
    long[] out = new long[Math.max(16, len / 4)];
    int n = 0;
    int i = 0;
    while (i < len) {
      char c = cs[i];
      if (c <= ' ') {
        i++;
        continue;
      }
      long h = 0xCBF29CE484222325L;
      if (isWordChar(c)) {
        while (i < len && isWordChar(cs[i])) h = (h ^ cs[i++]) * 0x100000001B3L;
      } else {
        h = (h ^ c) * 0x100000001B3L;
        i++;
      }
      if (n == out.length) out = java.util.Arrays.copyOf(out, n * 2);
      out[n++] = h;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static final boolean[] ASCII_WORD = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) ASCII_WORD[c] = Character.isLetterOrDigit(c) || c == '_';
  }

  /** {@code Character.isLetterOrDigit(c) || c == '_'}, with a table for ASCII. */
  private static boolean isWordChar(char c) {
    return c < 128 ? ASCII_WORD[c] : Character.isLetterOrDigit(c);
  }

  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB9FE1A85EC53L;
    return z ^ (z >>> 33);
  }
}
