package dev.anneal.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.task.Cancellation;
import dev.anneal.train.TinyDataset;
import dev.anneal.train.TrainOptions;
import dev.anneal.train.TrainResult;
import dev.anneal.train.Trainer;
import dev.anneal.train.TrainerControl;
import dev.anneal.train.TrainingListener;
import dev.anneal.train.ValSplitLoss;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loss and perplexity checked against independent math; runs and LoRA runs load as models. */
class EvaluationTest {
  @TempDir static Path tmp;
  static Path tokenizer;
  static LoadedLm plain;

  static final String TEXT =
      "pub fn validate_payment_12(amount: u64) -> Result<u64, Error> {\n"
          + "    let fee = amount * 12 / 100;\n    Ok(amount - fee)\n}\n";

  @BeforeAll
  static void model() throws Exception {
    tokenizer = InferFixtures.tokenizer(tmp);
    plain = ModelLoader.load(InferFixtures.hfModel(tmp.resolve("base"), tokenizer, 11), null, null);
  }

  @AfterAll
  static void close() {
    plain.close();
  }

  @Test
  void perplexityIsExpOfTheMeanLossComputedIndependently() {
    EvalResult r = Evaluation.ofText(plain.view(), TEXT, Cancellation.none());
    int[] ids = plain.tokenizer().encode(TEXT);
    assertThat(ids.length).isLessThanOrEqualTo(InferFixtures.CONTEXT);
    assertThat(r.inputIds()).isEqualTo(ids);
    assertThat(r.tokens()).hasSize(ids.length - 1);
    // Independent: log-softmax in Java over the rows of one full forward.
    float[][] rows = GenerationTest.fullForwardLogits(plain.model(), ids);
    double sum = 0;
    for (int t = 0; t + 1 < ids.length; t++) {
      double max = Double.NEGATIVE_INFINITY;
      for (float x : rows[t]) max = Math.max(max, x);
      double z = 0;
      for (float x : rows[t]) z += Math.exp(x - max);
      double loss = -(rows[t][ids[t + 1]] - max - Math.log(z));
      assertThat(r.tokens().get(t).loss())
          .as("position %d", t + 1)
          .isCloseTo(loss, org.assertj.core.data.Offset.offset(1e-4));
      assertThat(r.tokens().get(t).tokenId()).isEqualTo(ids[t + 1]);
      sum += loss;
    }
    double mean = sum / (ids.length - 1);
    assertThat(r.meanLoss()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-5));
    assertThat(r.perplexity())
        .isCloseTo(Math.exp(mean), org.assertj.core.data.Offset.offset(1e-4 * Math.exp(mean)));
    StringBuilder pieces = new StringBuilder(plain.tokenizer().decode(new int[] {ids[0]}));
    r.tokens().forEach(t -> pieces.append(t.token()));
    assertThat(pieces.toString()).isEqualTo(TEXT);
  }

  @Test
  void aTextLongerThanTheContextIsPredictedOncePerPositionInWindows() {
    String text = TEXT.repeat(4);
    int[] ids = plain.tokenizer().encode(text);
    assertThat(ids.length).isGreaterThan(2 * InferFixtures.CONTEXT);
    EvalResult r = Evaluation.ofText(plain.view(), text, Cancellation.none());
    assertThat(r.tokens()).hasSize(ids.length - 1);
    EvalResult first =
        Evaluation.ofIds(
            plain.view(), java.util.Arrays.copyOf(ids, InferFixtures.CONTEXT), Cancellation.none());
    for (int t = 0; t < first.tokens().size(); t++) {
      assertThat(r.tokens().get(t).loss())
          .isCloseTo(first.tokens().get(t).loss(), org.assertj.core.data.Offset.offset(1e-5));
    }
    double mean = r.tokens().stream().mapToDouble(TokenLoss::loss).average().orElseThrow();
    assertThat(r.meanLoss()).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(r.perplexity()).isEqualTo(Math.exp(r.meanLoss()));
  }

  @Test
  void improvementIsPercentOfTheBaseAsSeed001PrintsIt() {
    assertThat(Improvement.format(Improvement.percent(2.3451, 1.8923))).isEqualTo("+19.31%");
    assertThat(Improvement.format(Improvement.percent(10.432, 6.638))).isEqualTo("+36.37%");
    assertThat(Improvement.format(Improvement.percent(2.0, 2.1))).isEqualTo("-5.00%");
  }

  @Test
  void runFoldersAndLoraRunsLoadWithTheirDatasetsTokenizer() throws Exception {
    Path data = TinyDataset.write(tmp.resolve("data"), 16, 30, 8);
    Files.copy(tokenizer, data.resolve("tokenizer.json"));
    String model =
        "{family: llama, layers: 2, hidden: 32, heads: 4, kv_heads: 2, intermediate: 64, vocab: 320, context: 32}";
    Preset full =
        PresetLoader.parse(
            TinyDataset.preset("full", "llama", 6)
                .replaceFirst("model: .*\n", "model: " + model + "\n"),
            "full");
    TrainResult stage1 =
        new Trainer(
                full,
                TrainOptions.of(data, tmp.resolve("runs")),
                TrainingListener.NONE,
                new TrainerControl())
            .run();
    String loraYaml =
        TinyDataset.preset("lora", "llama", 6).replaceFirst("model: .*\n", "model: " + model + "\n")
            + "lora: {rank: 2, alpha: 4, targets: [q_proj, v_proj]}\n";
    Preset lora = PresetLoader.parse(loraYaml, "lora");
    TrainResult stage2 =
        new Trainer(
                lora,
                TrainOptions.of(data, tmp.resolve("runs")).withInit(stage1.runDir()),
                TrainingListener.NONE,
                new TrainerControl())
            .run();

    try (LoadedLm run = ModelLoader.load(stage1.runDir(), null, null);
        LoadedLm loraRun = ModelLoader.load(stage2.runDir(), null, null);
        LoadedLm asAdapter = ModelLoader.load(stage1.runDir(), stage2.runDir(), null)) {
      assertThat(run.hasAdapter()).isFalse();
      assertThat(run.tokenizer().file()).isEqualTo(data.resolve("tokenizer.json"));
      assertThat(loraRun.hasAdapter()).isTrue();
      assertThat(asAdapter.hasAdapter()).isTrue();
      EvalResult base = ValSplitLoss.of(run.view(), data);
      EvalResult off = ValSplitLoss.of(loraRun.base(), data);
      EvalResult on = ValSplitLoss.of(loraRun.tuned(), data);
      assertThat(base.meanLoss()).isFinite().isEqualTo(off.meanLoss());
      assertThat(on.meanLoss()).isNotEqualTo(off.meanLoss());
      assertThat(on.perplexity()).isEqualTo(Math.exp(on.meanLoss()));
      assertThat(on.counted()).isPositive();
      assertThat(ValSplitLoss.of(asAdapter.tuned(), data).meanLoss()).isEqualTo(on.meanLoss());
    }
    assertThatThrownBy(() -> ModelLoader.load(tmp.resolve("nothing-here"), null, null))
        .hasMessageContaining("nothing-here");
    assertThatThrownBy(() -> ModelLoader.load(stage1.runDir(), stage1.runDir(), null))
        .hasMessageContaining("neither a PEFT adapter");
  }
}
