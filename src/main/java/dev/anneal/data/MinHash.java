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
    long[] sig = new long[PERMUTATIONS];
    signature(text, from, sig, 0);
    return sig;
  }

  /** Per thread, the arrays one signature works in, kept between signatures. */
  private static final class Scratch {
    char[] chars = new char[4096];
    long[] words = new long[1024];
    long[] shingles = new long[1024];
    long[] shifted = new long[1024];
    final long[] filled = new long[PERMUTATIONS];

    /** The exact key's two hashes, as {@link #words} leaves them. */
    long h1;

    long h2;
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /**
   * As {@link #signature(String, int)}, written to {@code out[at .. at + PERMUTATIONS)}; allocates
   * nothing once the thread's scratch arrays have grown to the text.
   */
  static void signature(String text, int from, long[] out, int at) {
    Scratch scratch = SCRATCH.get();
    signature(scratch, words(text, from, scratch), out, at);
  }

  /**
   * As {@link #signature(String, int, long[], int)}, and from the same pass over the characters the
   * text's exact key, as {@link Deduplicator#exactKey} gives it, to {@code key[keyAt]} and {@code
   * key[keyAt + 1]}.
   */
  static void signatureAndKey(String text, int from, long[] out, int at, long[] key, int keyAt) {
    Scratch scratch = SCRATCH.get();
    int n = words(text, from, scratch);
    key[keyAt] = mix(scratch.h1);
    key[keyAt + 1] = mix(scratch.h2 ^ scratch.h1);
    signature(scratch, n, out, at);
  }

  /** The signature of the {@code n} word hashes in {@code scratch.words}. */
  private static void signature(Scratch scratch, int n, long[] out, int at) {
    long[] words = scratch.words;
    int count = Math.max(1, n - SHINGLE + 1);
    if (scratch.shingles.length < count) {
      scratch.shingles = new long[Math.max(count, 2 * scratch.shingles.length)];
      scratch.shifted = new long[scratch.shingles.length];
    }
    long[] shingles = scratch.shingles;
    long[] shifted = scratch.shifted;
    // Shingle s mixes in words s .. s+4 in turn (fewer when the text has under 5 words). Word-
    // outer, shingle-inner gives the same hashes and vectorises over the shingles, but only with
    // both arrays read at the same index: reading words[s + k] while writing shingles[s], C2
    // cannot rule out that they are one array and runs the loop a word at a time (5 times
    // slower). So the words from k on are copied to the start of an array of their own first.
    java.util.Arrays.fill(shingles, 0, count, 0x9E3779B97F4A7C15L);
    for (int k = 0; k < SHINGLE; k++) {
      int upto = Math.min(count, n - k);
      if (upto <= 0) break;
      System.arraycopy(words, k, shifted, 0, upto);
      for (int s = 0; s < upto; s++) shingles[s] = mix(shingles[s] ^ shifted[s]);
    }
    if (count >= ONE_PERMUTATION_FROM) {
      onePermutation(shingles, count, out, at, scratch.filled);
    } else {
      permute(shingles, count, out, at);
    }
  }

  /**
   * Each permutation's minimum over all shingles. Permutation-outer keeps the running minimum in a
   * register and vectorises over the shingles, twice as fast as shingle-outer.
   */
  private static void permute(long[] shingles, int count, long[] sig, int at) {
    for (int i = 0; i < PERMUTATIONS; i++) {
      long a = A[i];
      long b = B[i];
      long min = Long.MAX_VALUE;
      for (int s = 0; s < count; s++)
        min =
            Math.min(
                min, (a * shingles[s] + b) >>> 1); // multiply-shift: a cheap universal permutation
      sig[at + i] = min;
    }
  }

  private static void onePermutation(long[] shingles, int count, long[] out, int at, long[] sig) {
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    for (int s = 0; s < count; s++) {
      long h = shingles[s];
      int bin = (int) (h >>> BIN_SHIFT);
      sig[bin] = Math.min(sig[bin], h & VALUE_MASK);
    }
    densify(sig, out, at);
    for (int i = 0; i < PERMUTATIONS; i++)
      out[at + i] = -1 - out[at + i]; // negative: never equals a classic value
  }

  /**
   * Writes {@code sig} to {@code out} from {@code at}, each empty bin filled from the next
   * non-empty one (circularly), offset by the distance; all empty when all are.
   */
  private static void densify(long[] sig, long[] out, int at) {
    int n = sig.length;
    System.arraycopy(sig, 0, out, at, n);
    int anyFull = -1;
    for (int i = 0; i < n; i++) if (sig[i] != Long.MAX_VALUE) anyFull = i;
    if (anyFull < 0) return;
    for (int i = 0; i < n; i++) {
      if (sig[i] != Long.MAX_VALUE) continue;
      int d = 1;
      while (sig[(i + d) % n] == Long.MAX_VALUE) d++;
      out[at + i] = sig[(i + d) % n] + d * ROTATION;
    }
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
   * FNV-1a hashes of the words (letters, digits, '_') and single other marks from {@code from} on,
   * into {@code scratch.words}; returns how many. Runs {@link Deduplicator#exactKey}'s two hashes
   * over the same characters too (whitespace runs between marks as one space, none at the ends),
   * leaving them, unmixed, in {@code scratch.h1} and {@code scratch.h2}: chains of multiplies
   * beside the word hash's, they cost a signature alone next to nothing.
   */
  private static int words(String text, int from, Scratch scratch) {
    int len = text.length() - from;
    if (scratch.chars.length < len)
      scratch.chars = new char[Math.max(len, 2 * scratch.chars.length)];
    char[] cs = scratch.chars; // a char[] loop skips String.charAt's checks
    text.getChars(from, text.length(), cs, 0);
    long[] out = scratch.words;
    if (out.length < len) scratch.words = out = new long[Math.max(len, 2 * out.length)];
    long h1 = Deduplicator.EXACT_H1;
    long h2 = Deduplicator.EXACT_H2;
    int n = 0;
    int i = 0;
    boolean space = false;
    while (i < len) {
      char c = cs[i];
      if (c <= ' ') {
        space = n > 0; // a run after the first mark: one space, written before the next mark
        i++;
        continue;
      }
      if (space) {
        h1 = (h1 ^ ' ') * 0x100000001B3L;
        h2 = (h2 + ' ') * 0x9E3779B97F4A7C15L;
        space = false;
      }
      long h = 0xCBF29CE484222325L;
      if (isWordChar(c)) {
        while (i < len && isWordChar(c = cs[i])) {
          h = (h ^ c) * 0x100000001B3L;
          h1 = (h1 ^ c) * 0x100000001B3L;
          h2 = (h2 + c) * 0x9E3779B97F4A7C15L;
          i++;
        }
      } else {
        h = (h ^ c) * 0x100000001B3L;
        h1 = (h1 ^ c) * 0x100000001B3L;
        h2 = (h2 + c) * 0x9E3779B97F4A7C15L;
        i++;
      }
      out[n++] = h;
    }
    scratch.h1 = h1;
    scratch.h2 = h2;
    return n;
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
