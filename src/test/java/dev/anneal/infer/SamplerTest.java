package dev.anneal.infer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Sampling rules on hand-made logits, and the text stream's hold-back, without a model. */
class SamplerTest {
  static SamplingSettings settings(double t, int k, double p, double rep, long seed) {
    return new SamplingSettings(t, k, p, rep, 10, List.of(), seed);
  }

  static float[] logits(double... probabilities) {
    float[] l = new float[probabilities.length];
    for (int i = 0; i < l.length; i++) l[i] = (float) Math.log(probabilities[i]);
    return l;
  }

  @Test
  void drawsFollowTheSoftmaxAtTemperatureOne() {
    Sampler s = new Sampler(settings(1, 0, 1, 1, 3));
    int[] counts = new int[3];
    int n = 20_000;
    for (int i = 0; i < n; i++) counts[s.next(logits(0.5, 0.3, 0.2), new int[0])]++;
    assertThat(counts[0] / (double) n).isCloseTo(0.5, org.assertj.core.data.Offset.offset(0.015));
    assertThat(counts[1] / (double) n).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.015));
    assertThat(counts[2] / (double) n).isCloseTo(0.2, org.assertj.core.data.Offset.offset(0.015));
  }

  @Test
  void topKAndTopPCutTheTail() {
    Sampler k2 = new Sampler(settings(1, 2, 1, 1, 4));
    Sampler p60 = new Sampler(settings(1, 0, 0.6, 1, 4));
    Sampler p10 = new Sampler(settings(5, 0, 0.1, 1, 4));
    boolean[] seenK = new boolean[4], seenP = new boolean[4];
    for (int i = 0; i < 2_000; i++) {
      seenK[k2.next(logits(0.4, 0.3, 0.2, 0.1), new int[0])] = true;
      seenP[p60.next(logits(0.4, 0.3, 0.2, 0.1), new int[0])] = true;
      assertThat(p10.next(logits(0.4, 0.3, 0.2, 0.1), new int[0])).isZero();
    }
    assertThat(seenK).containsExactly(true, true, false, false);
    // 0.4 < 0.6 ≤ 0.4 + 0.3: the nucleus is the first two.
    assertThat(seenP).containsExactly(true, true, false, false);
  }

  @Test
  void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOnce() {
    double[] x = {2, 1, -1, 3};
    Sampler.penalise(x, new int[] {0, 2, 2}, 2);
    assertThat(x).containsExactly(1, 1, -2, 3);
    Sampler greedy = new Sampler(settings(0, 0, 1, 4, 0));
    assertThat(greedy.next(new float[] {2, 1, -1, 3}, new int[] {3})).isZero();
    assertThat(new Sampler(settings(0, 0, 1, 1, 0)).next(new float[] {2, 1, -1, 3}, new int[] {3}))
        .isEqualTo(3);
  }

  @Test
  void textStreamHoldsBackAPossibleStopAndCutsBeforeIt() {
    // Token i decodes to the character 'a' + i.
    TextStream s =
        new TextStream(
            ids -> {
              StringBuilder b = new StringBuilder();
              for (int id : ids) b.append((char) ('a' + id));
              return b.toString();
            },
            List.of("cd"));
    assertThat(s.accept(0)).isEqualTo("a");
    assertThat(s.accept(2)).isEmpty(); // "c" may begin "cd"
    assertThat(s.accept(1)).isEqualTo("cb"); // it did not
    assertThat(s.accept(2)).isEmpty();
    assertThat(s.accept(3)).isEmpty();
    assertThat(s.stopped()).isTrue();
    assertThat(s.text()).isEqualTo("acb");
  }

  @Test
  void textStreamWaitsForTheRestOfASplitCharacter() {
    TextStream s = new TextStream(ids -> ids.length == 1 ? "x\uFFFD" : "xé", List.of());
    assertThat(s.accept(7)).isEqualTo("x");
    assertThat(s.accept(8)).isEqualTo("é");
  }

  @Test
  void textStreamHoldsBackEveryByteOfAnUnfinishedFourByteCharacter() {
    // One token per UTF-8 byte; the decoder makes one U+FFFD per byte of an unfinished character.
    byte[] bytes =
        "a\uD83D\uDE00b".getBytes(java.nio.charset.StandardCharsets.UTF_8); // a, 4-byte emoji, b
    TextStream s =
        new TextStream(
            ids -> {
              byte[] b = new byte[ids.length];
              for (int i = 0; i < ids.length; i++) b[i] = (byte) ids[i];
              int complete = b.length;
              for (int back = 1; back <= Math.min(3, b.length); back++) {
                int lead = b[b.length - back] & 0xff;
                int need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 0;
                if (need > back) complete = b.length - back;
                if (lead >= 0xc0) break;
              }
              return new String(b, 0, complete, java.nio.charset.StandardCharsets.UTF_8)
                  + "\uFFFD".repeat(b.length - complete);
            },
            List.of());
    StringBuilder shown = new StringBuilder();
    for (byte b : bytes) {
      String delta = s.accept(b & 0xff);
      assertThat(delta).doesNotContain("\uFFFD");
      shown.append(delta);
    }
    assertThat(shown.toString()).isEqualTo("a\uD83D\uDE00b");
  }
}
