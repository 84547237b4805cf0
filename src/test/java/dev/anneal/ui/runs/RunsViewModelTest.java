package dev.anneal.ui.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.AppEnvironment;
import dev.anneal.data.SamplesFile;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.SafetensorsFile;
import dev.anneal.preset.HardwareSpec;
import dev.anneal.preset.Preset;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.TokenizerTrainer;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Runs view model without a robot, on run folders written by the test. */
class RunsViewModelTest {
  @TempDir Path tmp;
  private Workspace ws;
  private final List<Path> opened = new ArrayList<>();
  private final List<Path> resumed = new ArrayList<>();
  private RunsViewModel vm;
  private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

  @BeforeAll
  static void toolkit() throws Exception {
    AppEnvironment.configure();
    FxToolkit.registerPrimaryStage();
  }

  @BeforeEach
  void workspace() {
    ws = Workspace.open(tmp.resolve("ws"));
    vm = new RunsViewModel(ws, AwaitableTaskExecutor.onFx(), opened::add, resumed::add);
  }

  static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
  }

  private List<RunSummary> refreshed() throws Exception {
    vm.refresh().get(10, TimeUnit.SECONDS);
    WaitForAsyncUtils.waitForFxEvents();
    return fx(() -> List.copyOf(vm.runs()));
  }

  @Test
  void listsRunsNewestFirstWithTheirStepAndBestLoss() throws Exception {
    Preset nano = TestRuns.nano();
    TestRuns.run(ws.runsDir(), "nano-a", nano, "completed", 100, 100L, 2.5, T0, 100);
    Path live =
        TestRuns.run(
            ws.runsDir(), "nano-b", nano, "running", 200, null, null, T0.plusSeconds(60), 37);
    TestRuns.bestCheckpoint(live, nano, 3.125);
    Path broken = ws.runsDir().resolve("broken");
    Files.createDirectories(broken);
    Files.writeString(broken.resolve("run.json"), "{\"name\": ");

    List<RunSummary> runs = refreshed();
    assertThat(runs).extracting(RunSummary::name).containsExactly("nano-b", "nano-a", "broken");
    RunSummary b = runs.get(0);
    assertThat(b.step()).isEqualTo(37); // from the last metrics line: run.json has no step yet
    assertThat(b.bestValLoss()).isEqualTo(3.125); // from best/trainer_state.json
    assertThat(b.steps()).isEqualTo(200);
    assertThat(runs.get(1).bestValLoss()).isEqualTo(2.5);
    assertThat(runs.get(1).started()).isEqualTo(T0);
    assertThat(runs.get(2).status()).isEqualTo("unreadable");
    assertThat(runs.get(2).problem()).startsWith(broken.resolve("run.json") + ": ");

    assertThat(vm.refresh().get(10, TimeUnit.SECONDS)).as("nothing changed").isNull();
    TestRuns.run(ws.runsDir(), "nano-c", nano, "created", 10, null, null, T0.plusSeconds(120), 0);
    assertThat(refreshed()).extracting(RunSummary::name).startsWith("nano-c");
  }

  @Test
  void openAndResumeGoToTheShellAndACompletedRunIsNotResumed() throws Exception {
    Preset nano = TestRuns.nano();
    Path done = TestRuns.run(ws.runsDir(), "done", nano, "completed", 100, 100L, 2.5, T0, 100);
    Path stopped =
        TestRuns.run(
            ws.runsDir(), "stopped", nano, "stopped", 100, 40L, null, T0.plusSeconds(1), 40);
    List<RunSummary> runs = refreshed();
    fx(
        () -> {
          vm.open(runs.get(1));
          assertThat(vm.resume(runs.get(1))).isFalse();
          assertThat(vm.resume(runs.get(0))).isTrue();
          return null;
        });
    assertThat(opened).containsExactly(done);
    assertThat(resumed).containsExactly(stopped);
    assertThat(fx(() -> vm.messageProperty().get()))
        .isEqualTo("done cannot be resumed: it completed its steps");
  }

  @Test
  void deleteRemovesTheFolderButNotARunStillTraining() throws Exception {
    Preset nano = TestRuns.nano();
    Path old = TestRuns.run(ws.runsDir(), "old", nano, "stopped", 100, 40L, null, T0, 40);
    Path live =
        TestRuns.run(ws.runsDir(), "live", nano, "running", 100, null, null, T0.plusSeconds(1), 3);
    List<RunSummary> runs = refreshed();
    fx(() -> vm.delete(runs.get(1))).get(10, TimeUnit.SECONDS);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(old).doesNotExist();
    assertThat(fx(() -> List.copyOf(vm.runs())))
        .extracting(RunSummary::name)
        .containsExactly("live");
    assertThatThrownBy(() -> fx(() -> vm.delete(runs.get(0))).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("live is training");
    assertThat(live).exists();
  }

  @Test
  void exportsTheBestModelAsAHuggingFaceFolderAndAClusterRunAsABundle() throws Exception {
    Path dataset = ws.datasetsDir().resolve("small");
    Files.createDirectories(dataset);
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      samples.add(
          new Sample(
              "fn add_" + i + "(a: i32, b: i32) -> i32 { a + b * " + i + " }\n",
              SampleKind.FILE,
              "src/f" + i + ".rs",
              "rust",
              1,
              1));
    }
    SamplesFile.write(dataset.resolve("samples.jsonl"), samples);
    TokenizerTrainer.train(
        dataset,
        300,
        dataset.resolve("tokenizer.json"),
        ProgressListener.NONE,
        Cancellation.none());

    Preset nano = TestRuns.nano();
    Path run = TestRuns.run(ws.runsDir(), "nano-x", nano, "completed", 100, 100L, 2.5, T0, 100);
    TestRuns.bestCheckpoint(run, nano, 2.5);
    RunSummary summary = refreshed().getFirst();
    assertThat(summary.cluster()).isFalse();

    Path out = tmp.resolve("export/nano-x-hf");
    RunExport.Written w = fx(() -> vm.exportModel(summary, out)).get(60, TimeUnit.SECONDS);
    assertThat(w.from()).isEqualTo(run.resolve("best"));
    assertThat(HfFolder.isModelFolder(out)).isTrue();
    assertThat(out.resolve("tokenizer.json"))
        .hasSameBinaryContentAs(dataset.resolve("tokenizer.json"));
    try (var loaded = HfFolder.load(out, nano.model())) { // the spec's own checks pass
      assertThat(loaded.spec().layers()).isEqualTo(nano.model().layers());
    }
    try (var written = SafetensorsFile.open(out.resolve("model.safetensors"));
        var saved = SafetensorsFile.open(run.resolve("best/model.safetensors"))) {
      assertThat(saved.names()).isNotEmpty();
      for (String name : saved.names()) { // the checkpoint's tensors, bit for bit
        assertThat(java.util.Arrays.equals(written.read(name).data(), saved.read(name).data()))
            .as(name)
            .isTrue();
      }
    }
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> vm.messageProperty().get())).startsWith("Wrote Hugging Face folder " + out);

    Path gguf = tmp.resolve("export/nano-x.gguf");
    RunExport.Written g = fx(() -> vm.exportGguf(summary, gguf)).get(60, TimeUnit.SECONDS);
    assertThat(g.kind()).endsWith("q8_0 with Ollama Modelfile");
    assertThat(Files.readAllBytes(gguf)).startsWith('G', 'G', 'U', 'F');
    assertThat(gguf.resolveSibling("Modelfile")).content().contains("FROM ./nano-x.gguf");

    Preset cluster =
        nano.withHardware(
            new HardwareSpec(
                "cuda", "h100", 4, 2, 80.0, 2, null, null, null, null, null, null, null, null));
    TestRuns.run(ws.runsDir(), "big", cluster, "stopped", 100, 0L, null, T0.plusSeconds(5), 0);
    RunSummary big = refreshed().getFirst();
    assertThat(big.cluster()).isTrue();
    assertThatThrownBy(
            () -> fx(() -> vm.exportModel(big, tmp.resolve("none"))).get(10, TimeUnit.SECONDS))
        .hasMessageContaining("no checkpoint to export yet");
    Path bundle = tmp.resolve("export/big-deepspeed");
    fx(() -> vm.exportBundle(big, bundle)).get(60, TimeUnit.SECONDS);
    assertThat(bundle.resolve("launch.sh")).exists();
  }
}
