package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FimTest {
  static final Fim.Markers M = new Fim.Markers(-1, -2, -3);

  /** Code points as ids: an encoding that is trivially invertible, independent of any tokenizer. */
  static int[] cps(String s) {
    return s.codePoints().toArray();
  }

  @Test
  void unFimRecoversTheDocumentInBothModes() {
    SplittableRandom rng = new SplittableRandom(7);
    String text = "fn main() {\n    println!(\"héllo 😀 世界\");\n}\n";
    for (int trial = 0; trial < 500; trial++) {
      Fim f = Fim.split(text, rng);
      assertThat(f.prefix() + f.middle() + f.suffix()).isEqualTo(text);
      for (boolean spm : new boolean[] {false, true}) {
        int[] laid = Fim.layout(cps(f.prefix()), cps(f.middle()), cps(f.suffix()), M, spm);
        assertThat(laid[0]).isEqualTo(M.prefix());
        // PSM with an empty prefix reads like SPM; restoring gives the same text either way.
        assertThat(laid[1] == M.suffix()).isEqualTo(spm || f.prefix().isEmpty());
        assertThat(new String(Fim.restore(laid, M), 0, laid.length - 3)).isEqualTo(text);
      }
    }
  }

  @Test
  void layoutsFollowStarCodersOrder() {
    int[] p = {10}, m = {20}, s = {30};
    assertThat(Fim.layout(p, m, s, M, false)).containsExactly(-1, 10, -3, 30, -2, 20);
    assertThat(Fim.layout(p, m, s, M, true)).containsExactly(-1, -3, 30, -2, 10, 20);
  }

  @Test
  void cutsNeverSplitASurrogatePair() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      Fim f = Fim.split("😀😀😀", rng);
      for (String part : new String[] {f.prefix(), f.middle(), f.suffix()}) {
        assertThat(part.codePoints().allMatch(cp -> cp == 0x1F600)).isTrue();
      }
    }
  }
}
