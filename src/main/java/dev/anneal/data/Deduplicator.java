package dev.anneal.data;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Removes exact duplicates (the same text once whitespace is normalised and a file sample's path
 * header dropped, so a copied file counts) and near-duplicates (MinHash with banded LSH; a
 * candidate pair is a duplicate when its estimated Jaccard similarity reaches the threshold).
 * Samples are compared only with samples of the same kind, so a function is never dropped for
 * resembling the file it came from. The first sample in input order is the one kept.
 */
public final class Deduplicator {
  /** What survived and how many were removed. */
  public record Result(List<Sample> kept, long exact, long near) {}

  /** Most kept samples one bucket compares a new sample with. */
  static final int MAX_COMPARISONS = 16;

  private final double threshold;
  private final int bands;
  private final int rows;

  /**
   * @param threshold Jaccard similarity at which two samples are near-duplicates; > 1 turns
   *     near-dedup off
   */
  public Deduplicator(double threshold) {
    this.threshold = threshold;
    int[] br = bandsAndRows(threshold);
    this.bands = br[0];
    this.rows = br[1];
  }

  /**
   * Picks bands b and rows r (b·r ≤ 128) whose LSH threshold (1/b)^(1/r) sits a little below the
   * Jaccard threshold, so true pairs become candidates with high probability.
   */
  static int[] bandsAndRows(double threshold) {
    int[] best = {32, 4};
    double bestGap = Double.MAX_VALUE;
    for (int r = 1; r <= 32; r++) {
      int b = MinHash.PERMUTATIONS / r;
      double lsh = Math.pow(1.0 / b, 1.0 / r);
      double gap = Math.abs(lsh - (threshold - 0.08));
      if (gap < bestGap) {
        bestGap = gap;
        best = new int[] {b, r};
      }
    }
    return best;
  }

  public Result run(List<Sample> samples, Cancellation cancel) {
    return run(samples, cancel, new StageTimes());
  }

  /** As {@link #run(List, Cancellation)}, charging each pass to {@code times}. */
  Result run(List<Sample> samples, Cancellation cancel, StageTimes times) {
    int n = samples.size();
    boolean nearOn = threshold <= 1.0;
    long[] exactKeys = new long[2 * n];
    Signatures sigs = nearOn ? new Signatures(samples, bands) : null;
    // One parallel pass reads each text for both keys: its exact key and, unless near-dedup is
    // off, its signature, fingerprint and band keys (wasted only on the few exact duplicates).
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              if (i % 256 == 0) cancel.check();
              Sample s = samples.get(i);
              int body = bodyStart(s);
              if (sigs != null) sigs.compute(i, s.text(), body, rows, exactKeys, 2 * i);
              else exactKey(s.text(), body, exactKeys, 2 * i);
            });
    times.lap("exact keys+minhash");
    int[] unique = firstOfEachExactKey(samples, exactKeys);
    long exact = n - unique.length;
    times.lap("exact dedup");
    if (!nearOn) return new Result(pick(samples, unique, null), exact, 0);
    cancel.check();
    boolean[] dropped = new boolean[n];
    // Kinds never compare with each other: each kind has its own buckets and pass.
    int[][] kinds = byKind(samples, unique);
    BandBuckets[] buckets = new BandBuckets[kinds.length];
    for (int k = 0; k < kinds.length; k++)
      buckets[k] = BandBuckets.of(kinds[k], sigs.bandKeys, bands);
    times.lap("lsh buckets");
    int[] compared = new int[n]; // per candidate, the sample it was last compared with
    java.util.Arrays.fill(compared, -1);
    // Each pass touches only its own kind's entries of dropped[] and compared[].
    IntStream.range(0, kinds.length)
        .parallel()
        .forEach(k -> nearPass(kinds[k], buckets[k], sigs, dropped, compared, cancel));
    times.lap("near pass");
    List<Sample> kept = pick(samples, unique, dropped);
    return new Result(kept, exact, unique.length - kept.size());
  }

  /** {@code samples} at {@code indices}, less those {@code dropped}. */
  private static List<Sample> pick(List<Sample> samples, int[] indices, boolean[] dropped) {
    List<Sample> out = new ArrayList<>(indices.length);
    for (int i : indices) if (dropped == null || !dropped[i]) out.add(samples.get(i));
    return out;
  }

  /** The indices, in order, of the samples whose kind and exact key no earlier sample has. */
  private static int[] firstOfEachExactKey(List<Sample> samples, long[] keys) {
    int n = samples.size();
    int capacity = Integer.highestOneBit(Math.max(2, n)) * 4;
    int mask = capacity - 1;
    long[] table = new long[2 * capacity];
    int[] kindOf = new int[capacity]; // the kind's ordinal + 1; 0 marks an empty slot
    int[] out = new int[n];
    int count = 0;
    for (int i = 0; i < n; i++) {
      long h1 = keys[2 * i];
      long h2 = keys[2 * i + 1];
      int kind = samples.get(i).kind().ordinal() + 1;
      int slot = (int) (h1 ^ (h2 >>> 32)) & mask;
      boolean seen = false;
      while (kindOf[slot] != 0) {
        if (kindOf[slot] == kind && table[2 * slot] == h1 && table[2 * slot + 1] == h2) {
          seen = true;
          break;
        }
        slot = (slot + 1) & mask;
      }
      if (seen) continue;
      kindOf[slot] = kind;
      table[2 * slot] = h1;
      table[2 * slot + 1] = h2;
      out[count++] = i;
    }
    return java.util.Arrays.copyOf(out, count);
  }

  /**
   * {@code indices} split by their sample's kind, each in order; kinds without samples left out.
   */
  private static int[][] byKind(List<Sample> samples, int[] indices) {
    SampleKind[] all = SampleKind.values();
    int[] sizes = new int[all.length];
    for (int i : indices) sizes[samples.get(i).kind().ordinal()]++;
    int[][] out = new int[all.length][];
    for (int k = 0; k < all.length; k++) out[k] = new int[sizes[k]];
    int[] fill = new int[all.length];
    for (int i : indices) {
      int k = samples.get(i).kind().ordinal();
      out[k][fill[k]++] = i;
    }
    return java.util.Arrays.stream(out).filter(a -> a.length > 0).toArray(int[][]::new);
  }

  /**
   * Every sample's band keys and a byte of each signature entry (16 longs, 128 bytes), in flat
   * arrays. Full signatures are not kept: entries whose bytes differ differ, so the bytes alone
   * turn down nearly every pair that is not a duplicate, and the few pairs they let through have
   * both signatures computed again from their texts. That spares a kilobyte per sample held through
   * the pass (a quarter of a gigabyte for the 50 MB benchmark).
   */
  static final class Signatures {
    static final int P = MinHash.PERMUTATIONS;
    static final int FP = P / 8;
    private static final ThreadLocal<long[]> SIG = ThreadLocal.withInitial(() -> new long[P]);
    final List<Sample> samples;
    final long[] fps;
    final long[] bandKeys;
    final int bands;

    Signatures(List<Sample> samples, int bands) {
      int n = samples.size();
      this.samples = samples;
      this.fps = new long[Math.multiplyExact(n, FP)];
      this.bands = bands;
      this.bandKeys = new long[Math.multiplyExact(n, bands)];
    }

    /**
     * Sample {@code i}'s fingerprint and band keys, and its exact key to {@code key[keyAt]} and
     * {@code key[keyAt + 1]}.
     */
    void compute(int i, String text, int from, int rows, long[] key, int keyAt) {
      long[] sig = SIG.get();
      MinHash.signatureAndKey(text, from, sig, 0, key, keyAt);
      int f = i * FP;
      for (int w = 0; w < FP; w++) {
        long packed = 0;
        for (int k = 0; k < 8; k++) packed |= (sig[8 * w + k] & 0xFF) << (8 * k);
        fps[f + w] = packed;
      }
      // Each band's bucket key: its rows' signature entries mixed, seeded with the band's number.
      for (int b = 0; b < bands; b++) {
        long h = b;
        for (int r = 0; r < rows; r++) h = MinHash.mix(h ^ sig[b * rows + r]);
        bandKeys[i * bands + b] = h;
      }
    }

    /**
     * Whether at most {@code allowed} entries of the signatures of {@code i} and {@code j} differ,
     * as {@link MinHash#atLeast}; {@code a} and {@code b} are room for the two signatures, and
     * {@code aHolds[0]} is the sample whose signature {@code a} holds (-1 for none), so that one
     * sample compared with several is computed once.
     */
    boolean atMostDiffer(int i, int j, int allowed, long[] a, long[] b, int[] aHolds) {
      int oi = i * FP;
      int oj = j * FP;
      int differ = 0;
      for (int w = 0; w < FP; w++) {
        long x = fps[oi + w] ^ fps[oj + w];
        // The top bit of each byte of x that is not zero, counted.
        long t = (((x & 0x7F7F7F7F7F7F7F7FL) + 0x7F7F7F7F7F7F7F7FL) | x) & 0x8080808080808080L;
        differ += Long.bitCount(t);
        if (differ > allowed) return false;
      }
      if (aHolds[0] != i) {
        signature(i, a);
        aHolds[0] = i;
      }
      signature(j, b);
      differ = 0;
      for (int k = 0; k < P; k++) {
        if (a[k] != b[k] && ++differ > allowed) return false;
      }
      return true;
    }

    private void signature(int i, long[] out) {
      Sample s = samples.get(i);
      MinHash.signature(s.text(), bodyStart(s), out, 0);
    }
  }

  /**
   * Marks near-duplicates among {@code indices} (one kind, in input order): a sample is compared
   * with the newest {@value #MAX_COMPARISONS} kept samples of each of its bands' buckets, and joins
   * those buckets when it is kept.
   */
  private void nearPass(
      int[] indices,
      BandBuckets buckets,
      Signatures sigs,
      boolean[] dropped,
      int[] compared,
      Cancellation cancel) {
    int[] bucketOf = buckets.bucketOf();
    int[] start = buckets.start();
    int[] members = buckets.members();
    int[] fill = new int[buckets.count()];
    int allowed = MinHash.PERMUTATIONS - (int) Math.ceil(threshold * MinHash.PERMUTATIONS);
    long[] sigI = new long[MinHash.PERMUTATIONS];
    long[] sigJ = new long[MinHash.PERMUTATIONS];
    int[] sigIHolds = {-1};
    for (int p = 0; p < indices.length; p++) {
      if ((p + 1) % 1024 == 0) cancel.check();
      int i = indices[p];
      int base = p * bands;
      boolean dup = false;
      for (int b = 0; b < bands && !dup; b++) {
        int bucket = bucketOf[base + b];
        if (bucket < 0) continue; // a bucket of this sample alone: nothing to compare with
        int size = fill[bucket];
        int first = start[bucket];
        // Boilerplate fills some buckets with many distinct samples; comparing with only the
        // newest few keeps the pass linear, at a small cost in recall in such buckets.
        for (int k = size - 1; k >= Math.max(0, size - MAX_COMPARISONS); k--) {
          int j = members[first + k];
          if (compared[j] == i) continue; // already compared through another band
          compared[j] = i;
          if (sigs.atMostDiffer(i, j, allowed, sigI, sigJ, sigIHolds)) {
            dup = true;
            break;
          }
        }
      }
      if (dup) {
        dropped[i] = true;
        continue;
      }
      for (int b = 0; b < bands; b++) {
        int bucket = bucketOf[base + b];
        if (bucket >= 0) members[start[bucket] + fill[bucket]++] = i;
      }
    }
  }

  /** Where the text compared starts: a file sample's first line is its path header. */
  private static int bodyStart(Sample s) {
    if (s.kind() != SampleKind.FILE) return 0;
    int nl = s.text().indexOf('\n');
    return nl < 0 ? 0 : nl + 1;
  }

  /** The exact key's two hashes before the first character. */
  static final long EXACT_H1 = 0x84222325CBF29CE4L;

  static final long EXACT_H2 = 0x1B3L;

  /**
   * The text from {@code from} on with every whitespace run made one space, hashed to 128 bits in
   * {@code out[at]} and {@code out[at + 1]}.
   */
  static void exactKey(String t, int from, long[] out, int at) {
    long h1 = EXACT_H1;
    long h2 = EXACT_H2;
    boolean space = false;
    boolean started = false;
    for (int i = from, n = t.length(); i < n; i++) {
      char c = t.charAt(i);
      if (c <= ' ') {
        space = started;
        continue;
      }
      if (space) {
        h1 = (h1 ^ ' ') * 0x100000001B3L;
        h2 = (h2 + ' ') * 0x9E3779B97F4A7C15L;
        space = false;
      }
      started = true;
      h1 = (h1 ^ c) * 0x100000001B3L;
      h2 = (h2 + c) * 0x9E3779B97F4A7C15L;
    }
    out[at] = MinHash.mix(h1);
    out[at + 1] = MinHash.mix(h2 ^ h1);
  }
}
