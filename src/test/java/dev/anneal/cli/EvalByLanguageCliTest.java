package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.BuildOptions;
import dev.anneal.data.DatasetBuilder;
import dev.anneal.data.DatasetPreparer;
import dev.anneal.data.PrepareOptions;
import dev.anneal.data.TestRepo;
import dev.anneal.data.TokenShards;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.TokenizerTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anneal eval MODEL --data DIR} scores a val split that records its documents' languages per
 * language as well as overall, in text and in JSON.
 */
class EvalByLanguageCliTest {
  @TempDir Path dir;

  @Test
  void aSplitWithLanguagesIsScoredPerLanguage() throws Exception {
    Path repo = dir.resolve("repo");
    TestRepo.write(repo);
    Path ds = dir.resolve("ds");
    new DatasetBuilder(BuildOptions.defaults(), ProgressListener.NONE, Cancellation.none())
        .build(List.of(repo), ds);
    TokenizerTrainer.train(
        ds, 400, ds.resolve("tokenizer.json"), ProgressListener.NONE, Cancellation.none());
    new DatasetPreparer(ProgressListener.NONE, Cancellation.none(), 2)
        .prepare(
            ds, new PrepareOptions(ds.resolve("tokenizer.json").toString(), 32, 0.0, 0.5, 0.5, 42));
    List<String> languages;
    try (TokenShards shards = TokenShards.open(ds)) {
      languages = shards.valLanguageNames();
    }
    assertThat(languages)
        .as("the fixture's val split holds several languages")
        .hasSizeGreaterThan(1);

    Path preset =
        Files.writeString(
            dir.resolve("small.yaml"),
            """
        name: small
        model: {family: llama, layers: 1, hidden: 32, heads: 4, kv_heads: 2, intermediate: 64, vocab: 400, context: 64}
        training: {steps: 1, micro_batch: 1, seq_len: 32, seed: 5}
        """);
    CliTest.Result init =
        CliTest.run(
            "model",
            "init",
            preset.toString(),
            "--out",
            dir.resolve("m").toString(),
            "--tokenizer",
            ds.resolve("tokenizer.json").toString(),
            "--seed",
            "5");
    assertThat(init.code()).as(init.err()).isZero();

    CliTest.Result json =
        CliTest.run("eval", dir.resolve("m").toString(), "--data", ds.toString(), "--json");
    assertThat(json.code()).as(json.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(json.out());
    JsonNode byLanguage = j.get("loss_by_language");
    List<String> keys = new ArrayList<>();
    byLanguage.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactlyInAnyOrderElementsOf(languages);
    // The overall loss is the token-weighted mean of the languages' losses: inside their range.
    double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
    for (String k : keys) {
      min = Math.min(min, byLanguage.get(k).asDouble());
      max = Math.max(max, byLanguage.get(k).asDouble());
    }
    assertThat(min).isLessThan(max);
    assertThat(j.get("mean_loss").asDouble()).isBetween(min, max);

    CliTest.Result text = CliTest.run("eval", dir.resolve("m").toString(), "--data", ds.toString());
    assertThat(text.code()).as(text.err()).isZero();
    for (String k : keys) {
      assertThat(text.out())
          .containsPattern(
              "(?m)^  "
                  + k
                  + " +loss "
                  + String.format(java.util.Locale.ROOT, "%.4f", byLanguage.get(k).asDouble()));
    }
  }
}
