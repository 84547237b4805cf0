package dev.anneal.data.extract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RustLexerTest {
  @Test
  void prefixedLiteralsAreOneTokenAndOtherIdentifiersAreNot() {
    String src = "br#\"{\"# b'{' c\"{\" r\"{\" cr\"{\" r#type bar\"x\" rb\"y\" b c";
    Tokens t = RustLexer.lex(src);
    List<String> got = new ArrayList<>();
    for (int i = 0; i < t.size; i++) got.add(t.type[i] + ":" + t.str(i));
    assertThat(got)
        .containsExactly(
            "5:br#\"{\"#",
            "5:b'{'",
            "5:c\"{\"",
            "5:r\"{\"",
            "5:cr\"{\"",
            "1:r#type",
            "1:bar",
            "5:\"x\"",
            "1:rb",
            "5:\"y\"",
            "1:b",
            "1:c");
  }
}
