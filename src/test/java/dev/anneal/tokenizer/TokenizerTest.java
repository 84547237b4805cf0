package dev.anneal.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {
  @TempDir Path tmp;

  static List<String> corpus() {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      texts.add(
          "pub fn handle_payment_"
              + i
              + "(amount: u64) -> Result<u64, Error> {\n"
              + "    let fee = amount * "
              + i
              + " / 100;\n    Ok(amount - fee)\n}\n");
    }
    return texts;
  }

  static Path trained(Path dir, int vocab) throws Exception {
    BpeTrainer.Result r =
        new BpeTrainer(vocab, 2).train(corpus(), ProgressListener.NONE, Cancellation.none());
    Path file = dir.resolve("tokenizer.json");
    TokenizerJson.write(file, r);
    return file;
  }

  @Test
  void aTrainedTokenizerLoadsInDjlAndRoundTripsUnseenUnicode() throws Exception {
    Path file = trained(tmp, 320);
    try (TextTokenizer t = TextTokenizer.loadFile(file)) {
      assertThat(t.vocabSize()).isEqualTo(320);
      assertThat(t.eosId()).isZero();
      assertThat(t.fimIds()).containsExactly(1, 2, 3);
      assertThat(t.padId()).isEqualTo(4);
      String unseen = "日本語のテキスト 😀👩‍👩‍👧 e\u0301 ñ Ω≈ç √∫ \t\r\n end";
      int[] ids = t.encode(unseen);
      assertThat(t.decode(ids)).isEqualTo(unseen);
      String code = corpus().get(7);
      int[] codeIds = t.encode(code);
      assertThat(t.decode(codeIds)).isEqualTo(code);
      assertThat(codeIds.length).as("merges compress seen text").isLessThan(code.length() / 2);
      String longText = "fn a() {}\n".repeat(400); // over DJL's default 512-token cut
      assertThat(t.decode(t.encode(longText))).isEqualTo(longText);
      assertThat(t.decode(new int[] {1, 3, 2, 0}))
          .isEqualTo("<fim_prefix><fim_suffix><fim_middle><|endoftext|>");
    }
  }

  @Test
  void trainingIsDeterministicAndMergesAreFrequentPairs() throws Exception {
    var a = new BpeTrainer(300, 2).train(corpus(), ProgressListener.NONE, Cancellation.none());
    var b = new BpeTrainer(300, 2).train(corpus(), ProgressListener.NONE, Cancellation.none());
    assertThat(a.symbols()).isEqualTo(b.symbols());
    assertThat(a.merges()).hasSize(300 - 256 - SpecialTokens.ALL.size());
    // The first merge is the most frequent adjacent byte pair; count it independently.
    var counts = new java.util.HashMap<String, Integer>();
    for (String text : corpus()) {
      var m = ByteLevel.PRE_TOKENIZE.matcher(text);
      while (m.find()) {
        String s = ByteLevel.encode(m.group());
        for (int i = 0; i + 1 < s.length(); i++)
          counts.merge(s.substring(i, i + 2), 1, Integer::sum);
      }
    }
    int best = counts.values().stream().max(Integer::compare).orElseThrow();
    String first = a.merges().get(0)[0] + a.merges().get(0)[1];
    assertThat(counts.get(first)).isEqualTo(best);
  }

  @Test
  void aCorruptTokenizerNamesTheFile() throws Exception {
    Path bad = tmp.resolve("broken.json");
    Files.writeString(bad, "{\"model\": {\"vocab\": ");
    assertThatThrownBy(() -> TextTokenizer.load(bad.toString()))
        .hasMessageContaining("broken.json")
        .hasMessageContaining("not valid JSON");
    Files.writeString(
        bad, "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"a\": 0}, \"merges\": [\"a b c\"]}}");
    assertThatThrownBy(() -> TextTokenizer.load(bad.toString()))
        .hasMessageContaining("broken.json");
    assertThatThrownBy(() -> TextTokenizer.load(tmp.resolve("missing.json").toString()))
        .hasMessageContaining("missing.json");
  }

  @Test
  void theJavaEncoderGivesTheNativeLibrarysIds() throws Exception {
    List<String> texts = new ArrayList<>(corpus());
    for (int i = 0; i < 20; i++)
      texts.add("a\u00a0\u00a0b \u3000\u3000c\u2028\u2028d \u0085\u0085 e\u200b\u200bf x  \n\n  y");
    var r = new BpeTrainer(420, 2).train(texts, ProgressListener.NONE, Cancellation.none());
    Path file = tmp.resolve("ws.json");
    TokenizerJson.write(file, r);
    texts.add("日本語 😀 e\u0301\u00a0nbsp\u3000ideographic\u2028sep \t\t\n\n  trailing   ");
    texts.add("code<|endoftext|>more<fim_prefix>x<fim_suffix>y<fim_middle>z <|pad|>");
    texts.add("it's we'll they've I'm 'quoted' 123456789 3.14e-10 __init__ ->=>::");
    texts.add("");
    texts.add(" ");
    try (TextTokenizer t = TextTokenizer.loadFile(file)) {
      assertThat(t.encodesInJava()).isTrue();
      for (String text : texts) {
        assertThat(t.encode(text)).as(text).containsExactly(t.nativeEncode(text));
      }
    }
  }
}
