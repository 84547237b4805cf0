package dev.anneal.ui.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.AppEnvironment;
import dev.anneal.data.DatasetPipeline;
import dev.anneal.data.DatasetRequest;
import dev.anneal.data.sample.Language;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.CancelledException;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxToolkit;
import org.testfx.util.WaitForAsyncUtils;

/** The Datasets view model without a robot: the FX toolkit runs, nothing is shown. */
class DatasetsViewModelTest {
  @TempDir Path tmp;

  @BeforeAll
  static void toolkit() throws Exception {
    AppEnvironment.configure();
    FxToolkit.registerPrimaryStage();
  }

  static <T> T fx(Callable<T> c) throws Exception {
    return WaitForAsyncUtils.asyncFx(c).get(10, TimeUnit.SECONDS);
  }

  private DatasetsViewModel vm(Path repo) throws Exception {
    Workspace ws = Workspace.open(tmp.resolve("ws"));
    return fx(
        () -> {
          DatasetsViewModel vm = new DatasetsViewModel(ws, AwaitableTaskExecutor.onFx());
          vm.settings().sources().setAll(repo);
          vm.settings().vocabSizeProperty().set(300);
          vm.settings().seqLenProperty().set(64);
          vm.settings().outputNameProperty().set("small");
          return vm;
        });
  }

  @Test
  void buildsSamplesTokenizerAndShardsAndOpensTheResult() throws Exception {
    DatasetsViewModel vm = vm(SmallRepo.write(tmp.resolve("repo")));
    CompletableFuture<DatasetPipeline.Result> done = fx(vm::build);
    DatasetPipeline.Result r = done.get(90, TimeUnit.SECONDS);
    WaitForAsyncUtils.waitForFxEvents();

    Path out = tmp.resolve("ws/datasets/small");
    assertThat(r.dir()).isEqualTo(out);
    for (String f :
        List.of("samples.jsonl", "stats.json", "tokenizer.json", "train.bin", "meta.json")) {
      assertThat(out.resolve(f)).as(f).exists();
    }
    assertThat(fx(() -> vm.runningProperty().get())).isFalse();
    assertThat(fx(() -> vm.progressProperty().get())).isEqualTo(1.0);
    assertThat(fx(() -> vm.messageProperty().get())).startsWith("Built small:");
    assertThat(fx(() -> vm.countsProperty().get())).contains("samples");

    DatasetFolder opened = fx(() -> vm.openedProperty().get());
    assertThat(opened.samples()).isEqualTo(r.stats().samples());
    assertThat(opened.preview()).hasSize((int) opened.samples());
    assertThat(opened.stats().byLanguage()).containsOnlyKeys("java", "python", "rust");
    assertThat(opened.stats().byKind().get("file")).isEqualTo(5L); // the five readable sources
    assertThat(opened.stats().histogram().stream().mapToLong(DatasetFolder.Bucket::samples).sum())
        .isEqualTo(opened.samples());
    assertThat(opened.stats().skipped())
        .anySatisfy(
            s -> {
              assertThat(s.reason()).isEqualTo("invalid_utf8");
              assertThat(s.path()).isEqualTo("lib/src/broken.rs");
            });
    assertThat(opened.meta().vocabSize()).isEqualTo(r.prepared().vocabSize());
    assertThat(opened.meta().trainTokens() + opened.meta().valTokens())
        .isEqualTo(r.prepared().trainTokens() + r.prepared().valTokens());
    assertThat(fx(() -> List.copyOf(vm.datasets())))
        .containsExactly(new DatasetFolder.Entry("small", out, true));
  }

  @Test
  void cancelStopsTheBuildAndSaysSo() throws Exception {
    DatasetsViewModel vm = vm(SmallRepo.write(tmp.resolve("repo")));
    CompletableFuture<DatasetPipeline.Result> done =
        fx(
            () -> {
              CompletableFuture<DatasetPipeline.Result> f = vm.build();
              vm.cancel();
              return f;
            });
    assertThatThrownBy(() -> done.get(60, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CancelledException.class);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(fx(() -> vm.runningProperty().get())).isFalse();
    assertThat(fx(() -> vm.messageProperty().get())).startsWith("Cancelled");
    assertThat(tmp.resolve("ws/datasets/small/meta.json")).doesNotExist();
  }

  @Test
  void problemsNameTheFieldAndBlockTheBuild() throws Exception {
    DatasetsViewModel vm = vm(tmp.resolve("missing"));
    DatasetSettings s = vm.settings();
    List<String> problems =
        fx(
            () -> {
              for (Language l : Language.values()) s.language(l).set(false);
              s.trainTokenizerProperty().set(false);
              s.tokenizerFileProperty().set(tmp.resolve("nope.json").toString());
              s.outputNameProperty().set("../escape");
              s.fimRateProperty().set(1.5);
              return List.copyOf(s.problems());
            });
    assertThat(problems)
        .containsExactly(
            "Sources: " + tmp.resolve("missing") + " is not a folder",
            "Languages: choose at least one",
            "FIM rate: between 0 and 1",
            "Tokenizer: choose a tokenizer.json file",
            "Output name: letters, digits, '.', '_' or '-' (a folder under datasets/)");
    assertThatThrownBy(() -> fx(vm::build).get(5, TimeUnit.SECONDS))
        .hasMessageContaining("Sources:");
    assertThat(Files.list(tmp.resolve("ws/datasets"))).isEmpty();
  }

  @Test
  void theRequestRestrictsOnlyWhatWasDeselected() throws Exception {
    DatasetsViewModel vm = vm(SmallRepo.write(tmp.resolve("repo")));
    DatasetSettings s = vm.settings();
    DatasetRequest all = fx(() -> s.request(1));
    assertThat(all.build().kinds()).isEmpty();
    assertThat(all.build().scan().languages()).isEmpty();
    assertThat(all.trainsTokenizer()).isTrue();
    DatasetRequest some =
        fx(
            () -> {
              s.kind(SampleKind.FILE).set(false);
              s.language(Language.RUST).set(false);
              s.nearDedupProperty().set(false);
              return s.request(1);
            });
    assertThat(some.build().kinds())
        .hasSize(SampleKind.values().length - 1)
        .doesNotContain(SampleKind.FILE);
    assertThat(some.build().scan().languages())
        .doesNotContain(Language.RUST)
        .contains(Language.JAVA);
    assertThat(some.build().nearDup()).isGreaterThan(1); // above 1 turns near-dedup off
  }

  @Test
  void aFolderOpenedAsAWorkspaceIsOfferedAsItsOwnSource() {
    Path repo = tmp.resolve("opened-repo");
    var ws = dev.anneal.workspace.Workspace.open(repo);
    assertThat(DatasetsViewModel.defaultSources(ws)).containsExactly(ws.root());
  }

  @Test
  void theFormTheSampleAndPrepareShareOneSetOfDefaults() throws Exception {
    DatasetsViewModel vm = vm(SmallRepo.write(tmp.resolve("repo-defaults")));
    var form = fx(() -> vm.settings().request(1)).prepare();
    var sample = DatasetRequest.forModel(List.of(tmp), tmp.resolve("out"), 512, 64).prepare();
    assertThat(form.fimRate()).isEqualTo(sample.fimRate()).isEqualTo(0.5);
    assertThat(form.valFraction()).isEqualTo(sample.valFraction()).isEqualTo(0.1);
    assertThat(form.fimSpmRate()).isEqualTo(sample.fimSpmRate());
    assertThat(form.seed()).isEqualTo(sample.seed());
  }
}
