package dev.anneal.data.extract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.data.TestRepo;
import dev.anneal.data.sample.Language;
import dev.anneal.data.sample.SampleKind;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExtractionTest {
  static Map<SampleKind, Integer> counts(String text, Language lang) {
    Map<SampleKind, Integer> m = new EnumMap<>(SampleKind.class);
    for (Item it : Extraction.items(text, lang)) m.merge(it.kind(), 1, Integer::sum);
    return m;
  }

  static List<String> texts(String text, Language lang) {
    return Extraction.items(text, lang).stream()
        .map(it -> text.substring(it.start(), it.end()))
        .toList();
  }

  @Test
  void rustItemsAreExact() {
    assertThat(counts(TestRepo.RUST, Language.RUST)).isEqualTo(TestRepo.RUST_COUNTS);
    List<String> t = texts(TestRepo.RUST, Language.RUST);
    assertThat(t)
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith("/// A point.\n#[derive(Debug, Clone)]\npub struct Point"));
    assertThat(t)
        .anySatisfy(
            s -> assertThat(s).startsWith("    pub fn raw").endsWith("raw \"} string\"# }"));
    assertThat(t)
        .anySatisfy(
            s -> assertThat(s).startsWith("    /// Default method.").endsWith("\"shape }\" }"));
    assertThat(t).anySatisfy(s -> assertThat(s).startsWith("mod inner {").endsWith("}; }\n}"));
    assertThat(t)
        .anySatisfy(
            s -> assertThat(s).startsWith("pub async unsafe fn tricky").endsWith("Ok(())\n}"));
    assertThat(t).noneMatch(s -> s.contains("fake() {") && !s.contains("tricky"));
  }

  @Test
  void otherLanguagesGiveExactCounts() {
    assertThat(counts(TestRepo.PYTHON, Language.PYTHON)).isEqualTo(TestRepo.PYTHON_COUNTS);
    assertThat(counts(TestRepo.JAVA, Language.JAVA)).isEqualTo(TestRepo.JAVA_COUNTS);
    assertThat(counts(TestRepo.GO, Language.GO)).isEqualTo(TestRepo.GO_COUNTS);
    assertThat(counts(TestRepo.TYPESCRIPT, Language.TYPESCRIPT))
        .isEqualTo(TestRepo.TYPESCRIPT_COUNTS);
    assertThat(counts(TestRepo.JAVASCRIPT, Language.JAVASCRIPT))
        .isEqualTo(TestRepo.JAVASCRIPT_COUNTS);
    assertThat(counts(TestRepo.C, Language.C)).isEqualTo(TestRepo.C_COUNTS);
    assertThat(counts(TestRepo.CPP, Language.CPP)).isEqualTo(TestRepo.CPP_COUNTS);
    assertThat(counts(TestRepo.SHELL, Language.SHELL)).isEqualTo(TestRepo.SHELL_COUNTS);
  }

  @Test
  void itemsKeepTheirDocsAndDecorators() {
    assertThat(texts(TestRepo.PYTHON, Language.PYTHON))
        .anySatisfy(s -> assertThat(s).startsWith("# A helper.\ndef helper(x):").endsWith("1)"));
    assertThat(texts(TestRepo.PYTHON, Language.PYTHON))
        .anySatisfy(s -> assertThat(s).startsWith("@dataclass\nclass Thing:").endsWith("pass"));
    assertThat(texts(TestRepo.JAVA, Language.JAVA))
        .anySatisfy(
            s -> assertThat(s).startsWith("  /** Makes one. */\n  @Deprecated\n  public Circle("));
    assertThat(texts(TestRepo.GO, Language.GO))
        .anySatisfy(s -> assertThat(s).startsWith("// Point is a point.\ntype Point struct"));
    assertThat(texts(TestRepo.C, Language.C))
        .anySatisfy(
            s -> assertThat(s).startsWith("/* A pair. */\ntypedef struct").endsWith("} pair_t;"));
    assertThat(texts(TestRepo.SHELL, Language.SHELL))
        .anySatisfy(s -> assertThat(s).startsWith("# Greets.\ngreet() {").endsWith("EOF\n}"));
  }

  @Test
  void oversizedFilesAreCutBetweenItems() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 40; i++) {
      sb.append("/// Doc ")
          .append(i)
          .append("\npub fn f")
          .append(i)
          .append("(a: u32) -> u32 { a + ")
          .append(i)
          .append(" }\n\n");
    }
    String text = sb.toString();
    var samples = Extraction.samples("src/big.rs", text, Language.RUST, 120);
    var files = samples.stream().filter(s -> s.kind() == SampleKind.FILE).toList();
    assertThat(files.size()).isGreaterThan(1);
    StringBuilder joined = new StringBuilder();
    int nextLine = 1;
    for (var f : files) {
      assertThat(f.text()).startsWith("// path: src/big.rs\n/// Doc ");
      assertThat(f.startLine()).isEqualTo(nextLine);
      nextLine = f.endLine() + 1;
      joined.append(f.text().substring("// path: src/big.rs\n".length()));
    }
    assertThat(joined.toString()).isEqualTo(text);
    assertThat(samples.stream().filter(s -> s.kind() == SampleKind.FUNCTION)).hasSize(40);
  }
}
