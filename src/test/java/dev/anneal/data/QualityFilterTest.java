package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.data.sample.TextStats;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class QualityFilterTest {
  @Test
  void rejectsAsThePerCharacterLoopDid() {
    SplittableRandom rng = new SplittableRandom(4);
    QualityFilter filter = new QualityFilter(40, 0.25);
    String[] pieces = {"word", "x1", " ", "\n", "  ", "{}", "();", "==", "é", "数", "\t", "#"};
    SampleKind[] kinds = {SampleKind.FUNCTION, SampleKind.FILE, SampleKind.TEXT, SampleKind.STRUCT};
    int[] seen = new int[4];
    for (int round = 0; round < 4000; round++) {
      StringBuilder b = new StringBuilder();
      int n = rng.nextInt(30);
      // Some texts mostly symbols, some mostly words, some blank, some with a long line.
      int bias = rng.nextInt(4);
      for (int i = 0; i < n; i++) {
        int k = rng.nextInt(pieces.length);
        if (bias == 0 && k < 2) k = 5 + rng.nextInt(3);
        if (bias == 1 && k > 3) k = rng.nextInt(2);
        if (bias == 2) k = 2 + rng.nextInt(2);
        b.append(pieces[k]);
      }
      Sample s = new Sample(b.toString(), kinds[rng.nextInt(kinds.length)], "f", "rust", 1, 1);
      String want = reference(filter, s);
      assertThat(filter.reject(s.kind(), TextStats.of(s.text())))
          .as("%s %s", s.kind(), s.text())
          .isEqualTo(want);
      seen[want == null ? 0 : want.equals("long_line") ? 1 : want.equals("empty") ? 2 : 3]++;
    }
    assertThat(java.util.Arrays.stream(seen).min().getAsInt())
        .as("fewest of passes, long lines, empties, low alphanumeric")
        .isGreaterThan(50);
  }

  /** The filter as it was, one loop of its own. */
  private static String reference(QualityFilter f, Sample s) {
    String t = s.text();
    int line = 0;
    int alnum = 0;
    int visible = 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '\n') {
        line = 0;
        continue;
      }
      if (++line > f.maxLineLength()) return "long_line";
      if (c > ' ') {
        visible++;
        if (Character.isLetterOrDigit(c)) alnum++;
      }
    }
    if (visible == 0) return "empty";
    if (s.kind() != SampleKind.TEXT
        && s.kind() != SampleKind.CHAT
        && (double) alnum / visible < f.minAlphanumeric()) return "low_alphanumeric";
    return null;
  }
}
