package dev.anneal.data;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    ExactKey[] keys = new ExactKey[samples.size()];
    IntStream.range(0, samples.size()).parallel().forEach(i -> keys[i] = exactKey(samples.get(i)));
    Set<ExactKey> seen = new HashSet<>();
    List<Sample> unique = new ArrayList<>(samples.size());
    long exact = 0;
    for (int i = 0; i < keys.length; i++) {
      if (seen.add(keys[i])) unique.add(samples.get(i));
      else exact++;
    }
    if (threshold > 1.0) return new Result(unique, exact, 0);
    cancel.check();
    long[][] sigs = new long[unique.size()][];
    long[][] bandKeys = new long[unique.size()][];
    IntStream.range(0, unique.size())
        .parallel()
        .forEach(
            i -> {
              if (i % 256 == 0) cancel.check();
              Sample s = unique.get(i);
              sigs[i] = MinHash.signature(s.text(), bodyStart(s));
              bandKeys[i] = bandKeys(sigs[i]);
            });
    boolean[] dropped = new boolean[unique.size()];
    // Kinds never compare with each other, so each kind's pass runs on its own thread.
    Map<SampleKind, List<Integer>> byKind = new java.util.EnumMap<>(SampleKind.class);
    for (int i = 0; i < unique.size(); i++) {
      byKind.computeIfAbsent(unique.get(i).kind(), k -> new ArrayList<>()).add(i);
    }
    int[] compared = new int[unique.size()]; // per candidate, the sample it was last compared with
    java.util.Arrays.fill(compared, -1);
    // Each pass touches only its own kind's entries of dropped[] and compared[].
    byKind.values().parallelStream()
        .forEach(indices -> nearPass(indices, sigs, bandKeys, dropped, compared, cancel));
    List<Sample> kept = new ArrayList<>();
    long near = 0;
    for (int i = 0; i < unique.size(); i++) {
      if (dropped[i]) near++;
      else kept.add(unique.get(i));
    }
    return new Result(kept, exact, near);
  }

  /** Each band's bucket key: its rows' signature entries mixed, seeded with the band's number. */
  private long[] bandKeys(long[] sig) {
    long[] out = new long[bands];
    for (int b = 0; b < bands; b++) {
      long h = b;
      for (int r = 0; r < rows; r++) h = MinHash.mix(h ^ sig[b * rows + r]);
      out[b] = h;
    }
    return out;
  }

  /** Marks near-duplicates among {@code indices} (one kind, in input order). */
  private void nearPass(
      List<Integer> indices,
      long[][] sigs,
      long[][] bandKeys,
      boolean[] dropped,
      int[] compared,
      Cancellation cancel) {
    LshBuckets buckets = new LshBuckets();
    int[] mine = new int[bands];
    int seen = 0;
    for (int i : indices) {
      if (++seen % 1024 == 0) cancel.check();
      int touched = 0;
      boolean dup = false;
      for (int b = 0; b < bands && !dup; b++) {
        int bucket = buckets.bucket(bandKeys[i][b]);
        int size = buckets.size(bucket);
        // Boilerplate fills some buckets with many distinct samples; comparing with only the
        // newest few keeps the pass linear, at a small cost in recall in such buckets.
        for (int k = size - 1; k >= Math.max(0, size - MAX_COMPARISONS); k--) {
          int j = buckets.get(bucket, k);
          if (compared[j] == i) continue; // already compared through another band
          compared[j] = i;
          if (MinHash.atLeast(sigs[i], sigs[j], threshold)) {
            dup = true;
            break;
          }
        }
        mine[touched++] = bucket;
      }
      if (dup) dropped[i] = true;
      else for (int t = 0; t < touched; t++) buckets.add(mine[t], i);
    }
  }

  /** Where the text compared starts: a file sample's first line is its path header. */
  private static int bodyStart(Sample s) {
    if (s.kind() != SampleKind.FILE) return 0;
    int nl = s.text().indexOf('\n');
    return nl < 0 ? 0 : nl + 1;
  }

  /** A sample's kind and a 128-bit hash of its normalised text. */
  record ExactKey(SampleKind kind, long h1, long h2) {}

  /** The text with every whitespace run made one space, hashed to 128 bits. */
  static ExactKey exactKey(Sample s) {
    String t = s.text();
    long h1 = 0x84222325CBF29CE4L;
    long h2 = 0x1B3L;
    boolean space = false;
    boolean started = false;
    for (int i = bodyStart(s), n = t.length(); i < n; i++) {
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
    return new ExactKey(s.kind(), MinHash.mix(h1), MinHash.mix(h2 ^ h1));
  }
}
