package dev.anneal.ui.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.infer.Evaluation;
import dev.anneal.infer.GenerationListener;
import dev.anneal.infer.Generator;
import dev.anneal.infer.InferFixtures;
import dev.anneal.infer.LoadedLm;
import dev.anneal.infer.ModelLoader;
import dev.anneal.infer.Prompt;
import dev.anneal.infer.PromptLibrary;
import dev.anneal.infer.SamplingSettings;
import dev.anneal.task.Cancellation;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The Compare view's state and commands, with no window and no robot (the FX thread runs
 * hand-offs).
 */
class CompareViewModelTest {
  @TempDir static Path tmp;
  static Path base;
  static Path adapter;
  @TempDir Path workspace;
  CompareViewModel vm;
  final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  static final String PROMPT = "pub fn validate_payment";

  @BeforeAll
  static void models() throws Exception {
    FxToolkit.registerPrimaryStage();
    Path tok = InferFixtures.tokenizer(tmp);
    base = InferFixtures.hfModel(tmp.resolve("base"), tok, 11);
    adapter = InferFixtures.adapter(tmp.resolve("adapter"), 5);
  }

  @BeforeEach
  void viewModel() throws Exception {
    vm = fx(() -> new CompareViewModel(workspace, workspace.resolve("runs"), tasks));
    fx(
        () -> {
          vm.baseModelProperty().set(base.toString());
          vm.tunedModelProperty().set(adapter.toString());
          vm.sampling().promptProperty().set(PROMPT);
          vm.sampling().fimProperty().set(false);
          vm.sampling().temperatureProperty().set(0);
          vm.sampling().maxTokensProperty().set(12);
          return null;
        });
  }

  @AfterEach
  void close() {
    vm.close();
  }

  static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(30, TimeUnit.SECONDS);
  }

  void awaitIdle() throws Exception {
    tasks.awaitIdle(java.time.Duration.ofSeconds(60));
    assertThat(fx(() -> vm.busyProperty().get())).isFalse();
  }

  @Test
  void generatesBothSidesAsTheCoreDoes() throws Exception {
    fx(
        () -> {
          vm.generate();
          return null;
        });
    awaitIdle();
    String baseText = fx(() -> vm.baseTextProperty().get());
    String tunedText = fx(() -> vm.tunedTextProperty().get());
    try (LoadedLm lm = ModelLoader.load(base, adapter, null)) {
      var expected =
          Generator.sideBySide(
              List.of(lm.base(), lm.tuned()),
              Prompt.of(PROMPT),
              SamplingSettings.greedy(12),
              GenerationListener.NONE,
              Cancellation.none());
      assertThat(baseText).isEqualTo(expected.get(0).text());
      assertThat(tunedText).isEqualTo(expected.get(1).text());
    }
    assertThat(baseText).isNotEqualTo(tunedText);
    assertThat(fx(() -> vm.baseSpeedProperty().get())).endsWith("tokens/s");
    assertThat(fx(() -> vm.statusProperty().get())).startsWith("Base: ");
  }

  @Test
  void stopEndsBothSidesAndKeepsWhatWasWritten() throws Exception {
    fx(
        () -> {
          vm.sampling().maxTokensProperty().set(50);
          vm.generate();
          vm.stop();
          return null;
        });
    awaitIdle();
    assertThat(fx(() -> vm.statusProperty().get())).contains("(cancelled)");
  }

  @Test
  void evaluatesAFileWithPerTokenLossesOfBoth() throws Exception {
    Path file = workspace.resolve("sample.rs");
    Files.writeString(
        file, "pub fn validate_payment_3(amount: u64) -> u64 {\n    amount * 3 / 100\n}\n");
    fx(
        () -> {
          vm.evaluation().sourceProperty().set(file.toString());
          vm.evaluate();
          return null;
        });
    awaitIdle();
    List<CompareEvaluation.TokenDiff> diffs = fx(() -> List.copyOf(vm.evaluation().perToken()));
    try (LoadedLm lm = ModelLoader.load(base, adapter, null)) {
      var b = Evaluation.ofText(lm.base(), Files.readString(file), Cancellation.none());
      var t = Evaluation.ofText(lm.tuned(), Files.readString(file), Cancellation.none());
      // The first token comes first, without losses; then every predicted token with both.
      assertThat(diffs).hasSize(b.tokens().size() + 1);
      assertThat(diffs.getFirst().baseLoss()).isNaN();
      assertThat(diffs.getFirst().text()).isEqualTo("pub");
      for (int i = 0; i < b.tokens().size(); i++) {
        assertThat(diffs.get(i + 1).baseLoss()).isEqualTo(b.tokens().get(i).loss());
        assertThat(diffs.get(i + 1).tunedLoss()).isEqualTo(t.tokens().get(i).loss());
      }
      assertThat(
              diffs.stream()
                  .map(CompareEvaluation.TokenDiff::text)
                  .collect(java.util.stream.Collectors.joining()))
          .isEqualTo(Files.readString(file));
      assertThat(fx(() -> vm.evaluation().baseLossProperty().get()))
          .startsWith(String.format(java.util.Locale.ROOT, "loss %.4f", b.meanLoss()));
    }
    assertThat(fx(() -> vm.evaluation().improvementProperty().get()))
        .startsWith("Loss improvement: ");
  }

  @Test
  void aRunsUntrainedPresetIsOfferedAsABaseAndLoadsThroughTheModelLoader() throws Exception {
    Path dataset = Files.createDirectories(workspace.resolve("datasets/small"));
    Files.copy(base.resolve("tokenizer.json"), dataset.resolve("tokenizer.json"));
    dev.anneal.preset.Preset preset =
        dev.anneal.preset.PresetLoader.parse(
            """
        name: small-llama
        model: {family: llama, layers: 2, hidden: 32, heads: 4, kv_heads: 2, intermediate: 64, vocab: 320, context: 64}
        training: {steps: 4, micro_batch: 2, seq_len: 32, seed: 13}
        """,
            "small-llama.yaml");
    Path run =
        dev.anneal.runs.RunFolder.create(
                workspace.resolve("runs"),
                preset,
                java.util.Map.of("dataset", dataset.toString(), "init", ""))
            .dir();
    String untrained = ModelLoader.untrainedOf(run);
    fx(
        () -> {
          vm.refreshModelChoices();
          return null;
        });
    assertThat(fx(() -> List.copyOf(vm.modelChoices()))).contains(run.toString(), untrained);
    assertThat(fx(() -> vm.choiceLabel(untrained)))
        .isEqualTo("untrained small-llama (random init, seed 13) · " + run.getFileName());

    Path file = workspace.resolve("sample.rs");
    Files.writeString(file, InferFixtures.corpus().get(3));
    fx(
        () -> {
          vm.baseModelProperty().set(untrained);
          vm.tunedModelProperty().set(base.toString());
          vm.evaluation().sourceProperty().set(file.toString());
          vm.evaluate();
          return null;
        });
    awaitIdle();
    try (LoadedLm lm = ModelLoader.load(Path.of(untrained), null, null)) {
      var b = Evaluation.ofText(lm.view(), Files.readString(file), Cancellation.none());
      assertThat(fx(() -> vm.evaluation().baseLossProperty().get()))
          .startsWith(String.format(java.util.Locale.ROOT, "loss %.4f", b.meanLoss()));
      // Fresh weights predict about uniformly over the 320 tokens.
      assertThat(b.meanLoss()).isBetween(Math.log(320) - 1, Math.log(320) + 1);
    }
    assertThat(fx(() -> vm.evaluation().perToken().size())).isGreaterThan(10);
  }

  @Test
  void savedPromptsGoToTheWorkspace() throws Exception {
    assertThat(fx(() -> vm.prompts().size())).isEqualTo(PromptLibrary.defaults().size());
    fx(
        () -> {
          vm.sampling().promptProperty().set("fn mine(");
          vm.savePrompt("Mine");
          return null;
        });
    assertThat(PromptLibrary.load(workspace))
        .last()
        .isEqualTo(new PromptLibrary.SavedPrompt("Mine", "fn mine(", null));
    CompareViewModel again =
        fx(() -> new CompareViewModel(workspace, workspace.resolve("runs"), tasks));
    assertThat(fx(() -> again.prompts().getLast().name())).isEqualTo("Mine");
    again.close();
  }

  @Test
  void theChatPromptOfTheLibrarySendsAChatAndStopsAtTheEndOfTheTurn() throws Exception {
    var chat =
        fx(
            () ->
                vm.prompts().stream()
                    .filter(PromptLibrary.SavedPrompt::sendsAsChat)
                    .findFirst()
                    .orElseThrow());
    assertThat(chat.prompt().chat()).isTrue();
    fx(
        () -> {
          vm.sampling().fimProperty().set(true);
          vm.sampling().usePrompt(chat);
          return null;
        });
    assertThat(fx(() -> vm.sampling().chatProperty().get())).isTrue();
    assertThat(fx(() -> vm.sampling().fimProperty().get())).as("a chat is not FIM").isFalse();
    assertThat(fx(() -> vm.sampling().settings().stop())).contains("<|im_end|>");
    fx(
        () -> {
          vm.sampling().promptProperty().set("Explain this.");
          vm.savePrompt("Ask");
          vm.sampling().fimProperty().set(true);
          return null;
        });
    assertThat(fx(() -> vm.sampling().chatProperty().get())).isFalse();
    assertThat(PromptLibrary.load(workspace))
        .last()
        .isEqualTo(new PromptLibrary.SavedPrompt("Ask", "Explain this.", null, true));
  }
}
