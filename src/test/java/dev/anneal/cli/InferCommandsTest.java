package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.infer.InferFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** generate, compare and eval on tiny models written by the test. */
class InferCommandsTest {
  @TempDir static Path tmp;
  static Path base;
  static Path adapter;
  static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void models() throws Exception {
    Path tok = InferFixtures.tokenizer(tmp);
    base = InferFixtures.hfModel(tmp.resolve("base"), tok, 11);
    adapter = InferFixtures.adapter(tmp.resolve("adapter"), 5);
  }

  static JsonNode json(CliTest.Result r) throws Exception {
    assertThat(r.code()).as(r.err()).isZero();
    return JSON.readTree(r.out());
  }

  @Test
  void generateStreamsAndTheSameSeedRepeats() throws Exception {
    String[] args = {
      "generate",
      base.toString(),
      "--prompt",
      "pub fn validate",
      "--max-tokens",
      "12",
      "--temperature",
      "1.0",
      "--seed",
      "9",
      "--json"
    };
    JsonNode a = json(CliTest.run(args));
    JsonNode b = json(CliTest.run(args));
    assertThat(a.get("text").asText()).isEqualTo(b.get("text").asText());
    assertThat(a.get("token_ids")).isEqualTo(b.get("token_ids"));
    assertThat(a.get("finish_reason").asText()).isIn("length", "eos");
    CliTest.Result plain =
        CliTest.run(
            "generate",
            base.toString(),
            "--prompt",
            "pub fn validate",
            "--max-tokens",
            "12",
            "--temperature",
            "1.0",
            "--seed",
            "9");
    assertThat(plain.out().stripTrailing()).isEqualTo(a.get("text").asText().stripTrailing());
    assertThat(plain.err()).contains("tokens/s");
  }

  @Test
  void compareRunsBothSidesAndPrintsTheImprovement() throws Exception {
    JsonNode j =
        json(
            CliTest.run(
                "compare",
                base.toString(),
                "--adapter",
                adapter.toString(),
                "--prompt",
                "pub fn",
                "--max-tokens",
                "8",
                "--temperature",
                "0",
                "--text",
                "let fee = amount * 3 / 100;",
                "--json"));
    assertThat(j.at("/generation/base/text").asText())
        .isNotEqualTo(j.at("/generation/tuned/text").asText());
    double b = j.at("/base/mean_loss").asDouble();
    double t = j.at("/tuned/mean_loss").asDouble();
    assertThat(j.get("loss_improvement_percent").asDouble())
        .isCloseTo((b - t) / b * 100, org.assertj.core.data.Offset.offset(1e-9));
    CliTest.Result text =
        CliTest.run("compare", base.toString(), adapter.toString(), "--text", "let fee = amount;");
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .contains(
            "Base Model Metrics:",
            "Fine-tuned Model Metrics:",
            "  Loss improvement: ",
            "  Perplexity improvement: ");
  }

  @Test
  void evalPerTokenJsonHasExactlyTheFieldsAsked() throws Exception {
    Path file = tmp.resolve("sample.rs");
    Files.writeString(file, "pub fn validate_payment_7(amount: u64) -> u64 {\n    amount\n}\n");
    JsonNode j =
        json(
            CliTest.run(
                "eval", base.toString(), "--file", file.toString(), "--per-token", "--json"));
    assertThat(j.fieldNames())
        .toIterable()
        .containsExactly("input_ids", "tokens", "mean_loss", "ppl");
    int n = j.get("input_ids").size();
    assertThat(j.get("tokens").size()).isEqualTo(n - 1);
    double sum = 0;
    for (int i = 0; i < n - 1; i++) {
      JsonNode t = j.get("tokens").get(i);
      assertThat(t.fieldNames()).toIterable().containsExactly("token_id", "token", "loss");
      assertThat(t.get("token_id").asInt()).isEqualTo(j.get("input_ids").get(i + 1).asInt());
      sum += t.get("loss").asDouble();
    }
    double mean = sum / (n - 1);
    assertThat(j.get("mean_loss").asDouble())
        .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(j.get("ppl").asDouble())
        .isCloseTo(Math.exp(mean), org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void badInputGivesOneLineNamingTheFile() {
    CliTest.Result missing =
        CliTest.run("eval", base.toString(), "--file", tmp.resolve("nope.txt").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).startsWith("anneal: " + tmp.resolve("nope.txt") + ": no such file");
    CliTest.Result notAModel = CliTest.run("generate", tmp.toString(), "--prompt", "x");
    assertThat(notAModel.code()).isEqualTo(1);
    assertThat(notAModel.err()).startsWith("anneal: " + tmp);
    CliTest.Result both = CliTest.run("eval", base.toString(), "--text", "a", "--file", "b");
    assertThat(both.code()).isEqualTo(2);
  }
}
