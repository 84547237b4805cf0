package dev.anneal.data.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {
  /** The table-driven estimate counts as the per-character version did, on String or not. */
  @Test
  void countsAsThePlainLoopOnMixedText() {
    SplittableRandom rng = new SplittableRandom(8);
    String chars = "ab_Z09 \t\n(){};.+-\"é数😀\u00a0\u2028x";
    for (int round = 0; round < 3000; round++) {
      StringBuilder b = new StringBuilder();
      int n = rng.nextInt(80);
      while (b.length() < n) {
        int k = rng.nextInt(chars.length());
        if (Character.isHighSurrogate(chars.charAt(k))) b.append(chars, k, k + 2);
        else if (!Character.isLowSurrogate(chars.charAt(k))) b.append(chars.charAt(k));
        else b.append(chars.charAt(k)); // a lone low surrogate
      }
      int want = reference(b);
      assertThat(TokenEstimate.of(b.toString())).as(b.toString()).isEqualTo(want);
      assertThat(TokenEstimate.of((CharSequence) b)).as(b.toString()).isEqualTo(want);
      String padded = "x \n" + b + "\t数";
      assertThat(TokenEstimate.of(padded, 3, 3 + b.length())).as(b.toString()).isEqualTo(want);
    }
  }

  private static int reference(CharSequence s) {
    int pieces = 0;
    int bytes = 0;
    int prev = 0;
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
      int cls = Character.isLetterOrDigit(c) || c == '_' ? 1 : c <= ' ' ? 3 : 2;
      if (cls != prev && !(prev == 3 && cls != 3)) pieces++;
      prev = cls;
    }
    return Math.max(pieces, (bytes + 3) / 4);
  }
}
