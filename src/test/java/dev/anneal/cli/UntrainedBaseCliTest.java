package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.infer.InferFixtures;
import dev.anneal.infer.ModelLoader;
import dev.anneal.preset.PresetLoader;
import dev.anneal.runs.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code untrained:RUN} as MODEL: the run's preset with fresh weights from its seed, read with the
 * run's tokenizer. Checked against {@code anneal model init} of the same preset and seed, which
 * writes the weights to a Hugging Face folder and reads them back.
 */
class UntrainedBaseCliTest {
  @TempDir Path dir;

  private static final String PRESET =
      """
      name: small-llama
      model: {family: llama, layers: 2, hidden: 32, heads: 4, kv_heads: 2, intermediate: 64, vocab: 320, context: 64}
      training: {steps: 4, micro_batch: 2, seq_len: 32, seed: 13}
      """;

  @Test
  void givesTheLossesOfTheSamePresetInitialisedFromTheSameSeed() throws Exception {
    Path dataset = Files.createDirectories(dir.resolve("datasets/small"));
    Path tok = InferFixtures.tokenizer(dataset);
    Path presetFile = Files.writeString(dir.resolve("small-llama.yaml"), PRESET);
    RunFolder run =
        RunFolder.create(
            dir.resolve("runs"),
            PresetLoader.load(presetFile),
            Map.of("dataset", dataset.toString(), "init", ""));
    CliTest.Result init =
        CliTest.run(
            "model",
            "init",
            presetFile.toString(),
            "--out",
            dir.resolve("init").toString(),
            "--tokenizer",
            tok.toString(),
            "--seed",
            "13");
    assertThat(init.code()).as(init.err()).isZero();

    String text = InferFixtures.corpus().get(3);
    JsonNode untrained = eval(ModelLoader.untrainedOf(run.dir()), text);
    JsonNode written = eval(dir.resolve("init").toString(), text);
    assertThat(untrained.get("mean_loss").asDouble())
        .isEqualTo(written.get("mean_loss").asDouble());
    // Fresh weights predict about uniformly: a loss near ln(vocab).
    assertThat(untrained.get("mean_loss").asDouble())
        .isBetween(Math.log(320) - 1, Math.log(320) + 1);

    // Another seed is another model.
    CliTest.run(
        "model",
        "init",
        presetFile.toString(),
        "--out",
        dir.resolve("other").toString(),
        "--tokenizer",
        tok.toString(),
        "--seed",
        "14");
    assertThat(eval(dir.resolve("other").toString(), text).get("mean_loss").asDouble())
        .isNotEqualTo(untrained.get("mean_loss").asDouble());
  }

  @Test
  void aFolderThatIsNoRunIsOneLine() throws Exception {
    CliTest.Result r = CliTest.run("eval", ModelLoader.untrainedOf(dir), "--text", "fn main() {}");
    assertThat(r.code()).isNotZero();
    assertThat(r.err().lines().filter(l -> l.startsWith("anneal:")).toList())
        .singleElement()
        .asString()
        .isEqualTo("anneal: untrained:" + dir + ": " + dir + " is not a run folder (no run.json)");
  }

  private static JsonNode eval(String model, String text) throws Exception {
    CliTest.Result r = CliTest.run("eval", model, "--text", text, "--json");
    assertThat(r.code()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }
}
