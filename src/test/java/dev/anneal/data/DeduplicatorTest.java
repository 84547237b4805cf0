package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The dedup's speed work (flat signature blocks, byte fingerprints, buckets grouped before the
 * pass, exact keys in the MinHash pass) must keep exactly what the plain algorithm below keeps: a
 * map of boxed lists per band key, a signature array per sample, a set of exact keys.
 */
class DeduplicatorTest {
  @Test
  void keepsWhatThePlainAlgorithmKeepsAtEveryThreshold() {
    List<Sample> samples = corpus(new SplittableRandom(5), 3000);
    for (double threshold : new double[] {0.5, 0.7, 0.85, 0.95, 1.5}) {
      Deduplicator.Result got = new Deduplicator(threshold).run(samples, Cancellation.none());
      Deduplicator.Result want = reference(samples, threshold);
      assertThat(got.exact()).as("exact at %s", threshold).isEqualTo(want.exact());
      assertThat(got.near()).as("near at %s", threshold).isEqualTo(want.near());
      assertThat(got.kept()).as("kept at %s", threshold).isEqualTo(want.kept());
      if (threshold <= 1) assertThat(got.near()).as("near at %s", threshold).isPositive();
      assertThat(got.exact()).isGreaterThan(50);
    }
  }

  @Test
  void signaturesAreThoseOfThePlainAlgorithm() {
    SplittableRandom rng = new SplittableRandom(9);
    // Empty, under five words, classic, one-permutation with empty bins, non-ASCII; and offsets.
    for (int words : new int[] {0, 1, 3, 4, 5, 6, 50, 700, 1023, 1027, 1028, 1100, 5000}) {
      String text = text(rng, words);
      for (int from : new int[] {0, Math.min(text.length(), 7)}) {
        long[] got = MinHash.signature(text, from);
        assertThat(got).as("%d words from %d", words, from).isEqualTo(signature(text, from));
        long[] flat = new long[3 * MinHash.PERMUTATIONS];
        MinHash.signature(text, from, flat, MinHash.PERMUTATIONS);
        assertThat(java.util.Arrays.copyOfRange(flat, 128, 256)).isEqualTo(got);
      }
    }
  }

  @Test
  void theFusedPassGivesTheSignatureAndTheExactKeyOfTheirOwnPasses() {
    SplittableRandom rng = new SplittableRandom(11);
    List<String> texts =
        new ArrayList<>(
            List.of("", "   ", "\n\t x", "x \n\n", "  a  b\t\tc  ", "été;数据 _x9(", "a\u0000b"));
    for (int words : new int[] {1, 4, 5, 60, 1030}) texts.add(" \n" + text(rng, words) + "\t ");
    for (String text : texts) {
      for (int from = 0; from <= Math.min(2, text.length()); from++) {
        long[] sig = new long[2 * MinHash.PERMUTATIONS];
        long[] key = new long[4];
        MinHash.signatureAndKey(text, from, sig, MinHash.PERMUTATIONS, key, 2);
        long[] want = new long[2];
        Deduplicator.exactKey(text, from, want, 0);
        assertThat(java.util.Arrays.copyOfRange(key, 2, 4)).as("key of %s", text).isEqualTo(want);
        assertThat(java.util.Arrays.copyOfRange(sig, 128, 256))
            .as("signature of %s", text)
            .isEqualTo(signature(text, from));
      }
    }
  }

  /**
   * Functions, structs and files from a few templates (so some buckets hold far more than {@value
   * Deduplicator#MAX_COMPARISONS} distinct samples), copies with 0 to 20 words changed, copies that
   * differ only in whitespace, and files whose path headers differ.
   */
  static List<Sample> corpus(SplittableRandom rng, int n) {
    List<Sample> out = new ArrayList<>();
    List<String> bodies = new ArrayList<>();
    SampleKind[] kinds = {SampleKind.FUNCTION, SampleKind.STRUCT, SampleKind.FILE};
    String[] families = {text(rng, 200), text(rng, 200)};
    for (int i = 0; i < n; i++) {
      SampleKind kind = kinds[rng.nextInt(kinds.length)];
      String body;
      int pick = rng.nextInt(10);
      if (pick < 3) {
        // Two words off a family's text: pairs just under 0.85 that share bands, so buckets fill
        // past the comparison limit.
        String[] words = families[rng.nextInt(families.length)].split(" ", -1);
        for (int e = 0; e < 2; e++) words[rng.nextInt(words.length)] = "v" + rng.nextInt(1000);
        body = String.join(" ", words);
      } else if (pick < 5 && !bodies.isEmpty()) {
        String[] words = bodies.get(rng.nextInt(bodies.size())).split(" ", -1);
        int edits = rng.nextInt(21);
        for (int e = 0; e < edits; e++) words[rng.nextInt(words.length)] = "w" + rng.nextInt(50);
        body = String.join(" ", words);
      } else if (pick < 6 && !bodies.isEmpty()) {
        body = bodies.get(rng.nextInt(bodies.size())).replace(" ", rng.nextBoolean() ? "  " : "\n");
      } else if (pick < 7) {
        body =
            "fn get_" + rng.nextInt(40) + "(&self) -> u32 { self.value_" + rng.nextInt(40) + " }";
      } else {
        body = text(rng, 5 + rng.nextInt(rng.nextInt(10) == 0 ? 1500 : 120));
      }
      bodies.add(body);
      String text = kind == SampleKind.FILE ? "// path: src/f" + i + ".rs\n" + body : body;
      out.add(new Sample(text, kind, "src/f" + i + ".rs", "rust", 1, 1));
    }
    return out;
  }

  static String text(SplittableRandom rng, int words) {
    String[] vocab = {
      "let", "mut", "x", "=", "vec", "!", "(", ")", ";", "for", "i", "in", "0", "..", "n", "{", "}",
      "self", ".", "push", "value", "été", "数据", "return", "match", "Some", "None", "_"
    };
    StringBuilder b = new StringBuilder();
    for (int w = 0; w < words; w++) {
      if (w > 0) b.append(rng.nextInt(8) == 0 ? "\n  " : " ");
      b.append(rng.nextInt(3) == 0 ? "id" + rng.nextInt(400) : vocab[rng.nextInt(vocab.length)]);
    }
    return b.toString();
  }

  // The plain algorithm, as it was before the speed work.

  record Key(SampleKind kind, long h1, long h2) {}

  static Deduplicator.Result reference(List<Sample> samples, double threshold) {
    Set<Key> seen = new HashSet<>();
    List<Sample> unique = new ArrayList<>();
    long exact = 0;
    for (Sample s : samples) {
      long[] k = new long[2];
      Deduplicator.exactKey(s.text(), bodyStart(s), k, 0);
      if (seen.add(new Key(s.kind(), k[0], k[1]))) unique.add(s);
      else exact++;
    }
    if (threshold > 1.0) return new Deduplicator.Result(unique, exact, 0);
    int[] br = Deduplicator.bandsAndRows(threshold);
    int bands = br[0];
    int rows = br[1];
    Map<SampleKind, Map<Long, List<Integer>>> buckets = new HashMap<>();
    List<Sample> kept = new ArrayList<>();
    List<long[]> sigs = new ArrayList<>();
    long near = 0;
    for (int i = 0; i < unique.size(); i++) {
      Sample s = unique.get(i);
      long[] sig = signature(s.text(), bodyStart(s));
      sigs.add(sig);
      Map<Long, List<Integer>> kindBuckets =
          buckets.computeIfAbsent(s.kind(), k -> new HashMap<>());
      Set<Integer> compared = new HashSet<>();
      List<List<Integer>> mine = new ArrayList<>();
      boolean dup = false;
      for (int b = 0; b < bands && !dup; b++) {
        long h = b;
        for (int r = 0; r < rows; r++) h = MinHash.mix(h ^ sig[b * rows + r]);
        List<Integer> bucket = kindBuckets.computeIfAbsent(h, k -> new ArrayList<>());
        for (int k = bucket.size() - 1; k >= Math.max(0, bucket.size() - 16); k--) {
          int j = bucket.get(k);
          if (!compared.add(j)) continue;
          int same = 0;
          for (int p = 0; p < MinHash.PERMUTATIONS; p++) if (sig[p] == sigs.get(j)[p]) same++;
          if (same >= (int) Math.ceil(threshold * MinHash.PERMUTATIONS)) {
            dup = true;
            break;
          }
        }
        mine.add(bucket);
      }
      if (dup) {
        near++;
      } else {
        kept.add(s);
        for (List<Integer> bucket : mine) bucket.add(i);
      }
    }
    return new Deduplicator.Result(kept, exact, near);
  }

  static int bodyStart(Sample s) {
    if (s.kind() != SampleKind.FILE) return 0;
    int nl = s.text().indexOf('\n');
    return nl < 0 ? 0 : nl + 1;
  }

  static long[] signature(String text, int from) {
    List<Long> words = new ArrayList<>();
    int i = from;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (c <= ' ') {
        i++;
        continue;
      }
      long h = 0xCBF29CE484222325L;
      if (Character.isLetterOrDigit(c) || c == '_') {
        while (i < text.length()
            && (Character.isLetterOrDigit(text.charAt(i)) || text.charAt(i) == '_'))
          h = (h ^ text.charAt(i++)) * 0x100000001B3L;
      } else {
        h = (h ^ c) * 0x100000001B3L;
        i++;
      }
      words.add(h);
    }
    int count = Math.max(1, words.size() - 4);
    long[] shingles = new long[count];
    for (int s = 0; s < count; s++) {
      long h = 0x9E3779B97F4A7C15L;
      for (int k = 0; k < 5 && s + k < words.size(); k++) h = MinHash.mix(h ^ words.get(s + k));
      shingles[s] = h;
    }
    long[] sig = new long[MinHash.PERMUTATIONS];
    java.util.Arrays.fill(sig, Long.MAX_VALUE);
    SplittableRandom r = new SplittableRandom(0x5EED_1234L);
    long[] a = new long[MinHash.PERMUTATIONS];
    long[] b = new long[MinHash.PERMUTATIONS];
    for (int p = 0; p < MinHash.PERMUTATIONS; p++) {
      a[p] = r.nextLong() | 1L;
      b[p] = r.nextLong();
    }
    if (count < MinHash.ONE_PERMUTATION_FROM) {
      for (long h : shingles)
        for (int p = 0; p < MinHash.PERMUTATIONS; p++)
          sig[p] = Math.min(sig[p], (a[p] * h + b[p]) >>> 1);
      return sig;
    }
    for (long h : shingles) {
      int bin = (int) (h >>> 57);
      sig[bin] = Math.min(sig[bin], h & ((1L << 57) - 1));
    }
    long[] filled = sig.clone();
    for (int p = 0; p < MinHash.PERMUTATIONS; p++) {
      if (sig[p] != Long.MAX_VALUE) continue;
      int d = 1;
      while (sig[(p + d) % MinHash.PERMUTATIONS] == Long.MAX_VALUE) d++;
      filled[p] = sig[(p + d) % MinHash.PERMUTATIONS] + d * 0x2545F4914F6CDD1DL;
    }
    for (int p = 0; p < MinHash.PERMUTATIONS; p++) filled[p] = -1 - filled[p];
    return filled;
  }
}
