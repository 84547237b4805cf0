package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataCommandsTest {
  @TempDir Path tmp;

  static CliTest.Result run(String... args) {
    return CliTest.run(args);
  }

  @Test
  void buildTrainPrepareFromTheCommandLine() throws Exception {
    Path repo = tmp.resolve("repo");
    TestRepo.write(repo);
    Path ds = tmp.resolve("ds");
    CliTest.Result build =
        run("dataset", "build", repo.toString(), "--out", ds.toString(), "--quiet");
    assertThat(build.code()).as(build.err()).isZero();
    assertThat(build.out()).contains("KIND", "function", "rust", "duplicates removed");

    CliTest.Result rustOnly =
        run(
            "dataset",
            "build",
            repo.toString(),
            "--out",
            tmp.resolve("rs").toString(),
            "--languages",
            "rust",
            "--json",
            "--quiet");
    JsonNode stats = new ObjectMapper().readTree(rustOnly.out());
    assertThat(stats.get("samples_by_language").fieldNames()).toIterable().containsExactly("rust");

    CliTest.Result functions =
        run(
            "dataset",
            "build",
            repo.toString(),
            "--out",
            tmp.resolve("fn").toString(),
            "--kinds",
            "function",
            "--json",
            "--quiet");
    JsonNode fnStats = new ObjectMapper().readTree(functions.out());
    assertThat(fnStats.get("samples").asLong())
        .isEqualTo(fnStats.get("samples_by_kind").get("function").asLong());
    assertThat(fnStats.get("samples_filtered").get("kind_not_selected").asLong()).isPositive();
    assertThat(
            run(
                    "dataset",
                    "build",
                    repo.toString(),
                    "--out",
                    tmp.resolve("x").toString(),
                    "--kinds",
                    "klass")
                .err())
        .startsWith("anneal: --kinds: unknown kind 'klass'");

    CliTest.Result tok = run("tokenizer", "train", ds.toString(), "--vocab-size", "300", "--quiet");
    assertThat(tok.code()).as(tok.err()).isZero();
    assertThat(tok.out()).contains("vocab 300");
    assertThat(ds.resolve("tokenizer.json")).exists();

    CliTest.Result prep =
        run(
            "dataset",
            "prepare",
            ds.toString(),
            "--seq-len",
            "128",
            "--fim-rate",
            "0.5",
            "--val-fraction",
            "0.2",
            "--json",
            "--quiet");
    assertThat(prep.code()).as(prep.err()).isZero();
    JsonNode summary = new ObjectMapper().readTree(prep.out());
    assertThat(summary.get("dtype").asText()).isEqualTo("uint16");
    assertThat(summary.get("train_tokens").asLong() % 128).isZero();
    JsonNode meta = new ObjectMapper().readTree(ds.resolve("meta.json").toFile());
    for (String f :
        new String[] {
          "vocab_size",
          "dtype",
          "seq_len",
          "train_tokens",
          "val_tokens",
          "tokenizer_sha256",
          "fim",
          "document_index"
        }) {
      assertThat(meta.has(f)).as(f).isTrue();
    }
    assertThat(Files.size(ds.resolve("train.bin")))
        .isEqualTo(meta.get("train_tokens").asLong() * 2);
  }

  @Test
  void badInputIsOneLineNamingTheFile() throws Exception {
    Path file = tmp.resolve("plain.txt");
    Files.writeString(file, "x");
    CliTest.Result r =
        run("dataset", "build", file.toString(), "--out", tmp.resolve("o").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("anneal: " + file + ": not a folder");

    Path ds = tmp.resolve("ds");
    Files.createDirectories(ds);
    Files.writeString(
        ds.resolve("samples.jsonl"), "{\"text\": \"ok\", \"kind\": \"file\"}\n{broken\n");
    Files.writeString(ds.resolve("tokenizer.json"), "{}");
    CliTest.Result p = run("dataset", "prepare", ds.toString(), "--seq-len", "64");
    assertThat(p.code()).isEqualTo(1);
    assertThat(p.err()).startsWith("anneal: " + ds.resolve("samples.jsonl") + ":2:");

    CliTest.Result t = run("tokenizer", "train", ds.toString(), "--vocab-size", "10");
    assertThat(t.err()).contains("--vocab-size must be at least 264");
    CliTest.Result l =
        run("dataset", "build", tmp.toString(), "--out", "x", "--languages", "cobol");
    assertThat(l.err()).contains("unknown language 'cobol'");
  }
}
