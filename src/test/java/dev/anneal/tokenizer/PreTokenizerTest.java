package dev.anneal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PreTokenizerTest {
  @Test
  void classesAreThePatternsOnEveryBmpCodePointAndSupplementaryOnes() {
    Pattern letter = Pattern.compile("\\p{L}", Pattern.UNICODE_CHARACTER_CLASS);
    Pattern number = Pattern.compile("\\p{N}", Pattern.UNICODE_CHARACTER_CLASS);
    Pattern space = Pattern.compile("\\s", Pattern.UNICODE_CHARACTER_CLASS);
    int[] seen = new int[4];
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp += cp < 0x10000 ? 1 : 61) {
      if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) continue;
      String s = Character.toString(cp);
      int want =
          letter.matcher(s).matches()
              ? PreTokenizer.LETTER
              : number.matcher(s).matches()
                  ? PreTokenizer.NUMBER
                  : space.matcher(s).matches() ? PreTokenizer.SPACE : PreTokenizer.OTHER;
      assertThat(PreTokenizer.classOf(cp)).as("U+%04X", cp).isEqualTo(want);
      seen[want]++;
    }
    assertThat(java.util.Arrays.stream(seen).min().getAsInt()).isGreaterThan(10);
  }

  /** Letters, numbers and spaces of several kinds, contractions' letters, pairs, lone halves. */
  private static final String[] ALPHABET = {
    "a", "Z", "é", "数", "𝐀", "0", "٣", "Ⅻ", "½", " ", " ", " ", "\t", "\n", "\r", "\u00a0",
    "\u2028", "\u3000", "\u0085", "\u200b", "'", "'", "s", "t", "r", "e", "v", "l", "m", "d", "!",
    "_", "-", "\u0301", "😀", "\ud800", "\udc00", "\u0000", "<|x|>"
  };

  @Test
  void piecesAreThePatternsInWholeTextsAndInRegions() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int round = 0; round < 20000; round++) {
      StringBuilder b = new StringBuilder();
      int n = rng.nextInt(24);
      for (int k = 0; k < n; k++) b.append(ALPHABET[rng.nextInt(ALPHABET.length)]);
      String s = b.toString();
      int from = s.isEmpty() || rng.nextBoolean() ? 0 : rng.nextInt(s.length());
      int to = rng.nextBoolean() ? s.length() : from + rng.nextInt(s.length() - from + 1);
      assertThat(pieces(s, from, to))
          .as("[%s] from %d to %d", s, from, to)
          .isEqualTo(want(s, from, to));
    }
  }

  private static List<String> want(String s, int from, int to) {
    List<String> out = new ArrayList<>();
    Matcher m = ByteLevel.PRE_TOKENIZE.matcher(s).region(from, to);
    while (m.find()) out.add(m.start() + ":" + m.group());
    return out;
  }

  private static List<String> pieces(String s, int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; ) {
      int e = PreTokenizer.pieceEnd(s, i, to);
      out.add(i + ":" + s.substring(i, e));
      i = e;
    }
    return out;
  }
}
