package dev.anneal.data.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokensTest {
  /** Brackets matched with an int stack match as the deque-and-stream version did. */
  @Test
  void matchesBracketsAsTheDequeVersionOnBalancedAndBrokenText() {
    SplittableRandom rng = new SplittableRandom(4);
    String alphabet = "(){}[]x";
    for (int round = 0; round < 2000; round++) {
      StringBuilder b = new StringBuilder();
      int n = rng.nextInt(60);
      for (int i = 0; i < n; i++) b.append(alphabet.charAt(rng.nextInt(alphabet.length())));
      Tokens t = new Tokens(b.toString());
      for (int i = 0; i < n; i++) {
        if (b.charAt(i) == 'x') t.add(Tokens.IDENT, i, i + 1);
        else t.addSymbol(b.charAt(i), i);
      }
      t.matchBrackets();
      assertThat(t.match).as(b.toString()).isEqualTo(reference(t));
    }
  }

  private static int[] reference(Tokens t) {
    int[] match = new int[t.size];
    Arrays.fill(match, -1);
    ArrayDeque<Integer> stack = new ArrayDeque<>();
    for (int i = 0; i < t.size; i++) {
      if (t.type[i] == Tokens.OPEN) {
        stack.push(i);
      } else if (t.type[i] == Tokens.CLOSE) {
        char want =
            switch (t.ch(i)) {
              case ')' -> '(';
              case ']' -> '[';
              default -> '{';
            };
        if (stack.stream().noneMatch(o -> t.ch(o) == want)) continue;
        while (!stack.isEmpty()) {
          int o = stack.pop();
          if (t.ch(o) == want) {
            match[o] = i;
            match[i] = o;
            break;
          }
          match[o] = i;
        }
      }
    }
    while (!stack.isEmpty()) match[stack.pop()] = Math.max(0, t.size - 1);
    return match;
  }
}
