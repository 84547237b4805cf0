package dev.anneal.data.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TextStatsTest {
  /**
   * Mixed text: ASCII classes, newlines, non-ASCII letters, symbols, surrogate pairs and halves.
   */
  static String text(SplittableRandom rng, int n) {
    String chars = "ab_Z09 \t\n\n(){};.+-\"é数😀\u00a0\u2028x\r";
    StringBuilder b = new StringBuilder();
    while (b.length() < n) {
      int k = rng.nextInt(chars.length());
      if (Character.isHighSurrogate(chars.charAt(k))) b.append(chars, k, k + 2);
      else b.append(chars.charAt(k)); // a lone low surrogate too
      if (rng.nextInt(200) == 0) b.append("y".repeat(rng.nextInt(300))); // a long line now and then
    }
    return b.toString();
  }

  @Test
  void onePassGivesWhatEachCountGivesAlone() {
    SplittableRandom rng = new SplittableRandom(21);
    for (int round = 0; round < 3000; round++) {
      String s = text(rng, rng.nextInt(round < 10 ? 3 : 400));
      TextStats got = TextStats.of(s);
      assertThat(got.tokens())
          .as(s)
          .isEqualTo(TokenEstimate.of((CharSequence) new StringBuilder(s)));
      int longest = 0;
      for (String line : s.split("\n", -1)) longest = Math.max(longest, line.length());
      assertThat(got.longestLine()).as(s).isEqualTo(longest);
      assertThat(got.visible()).as(s).isEqualTo((int) s.chars().filter(c -> c > ' ').count());
      assertThat(got.alphanumeric())
          .as(s)
          .isEqualTo((int) s.chars().filter(Character::isLetterOrDigit).count());
    }
  }
}
