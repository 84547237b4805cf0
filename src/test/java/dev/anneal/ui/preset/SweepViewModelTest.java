package dev.anneal.ui.preset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.sweep.SweepRun;
import dev.anneal.train.TinyDataset;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep started from Presets runs its grid into the workspace's runs and ranks them. */
class SweepViewModelTest {
  @TempDir Path tmp;

  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.direct();

  private void awaitIdle(SweepViewModel vm) throws Exception {
    tasks.awaitIdle(java.time.Duration.ofSeconds(120));
    assertThat(vm.runningProperty().get()).isFalse();
  }

  @Test
  void aSweepRunsTheGridShowsProgressAndRanksTheRuns() throws Exception {
    AppEnvironment.configure();
    Workspace ws = Workspace.open(tmp.resolve("ws"));
    Path data = TinyDataset.write(ws.datasetsDir().resolve("tiny"), 16, 60, 8);
    Preset p = PresetLoader.parse(TinyDataset.preset("tiny-sweep", "gpt2", 40), "tiny-sweep");
    SweepViewModel vm = new SweepViewModel(ws, () -> p, tasks);

    vm.stepsProperty().set(0);
    assertThat(vm.start()).isFalse();
    assertThat(vm.messageProperty().get()).isEqualTo("Cannot sweep: pick a prepared dataset");
    vm.datasetProperty().set(data);
    assertThat(vm.start()).isFalse();
    assertThat(vm.messageProperty().get())
        .isEqualTo("Cannot sweep: steps must be 1 or more, got 0");

    vm.stepsProperty().set(5);
    vm.gridProperty().set("lr=2e-3,1e-2");
    assertThat(vm.start()).isTrue();
    awaitIdle(vm);
    assertThat(vm.messageProperty().get()).isEqualTo("Sweep completed: 2 runs, best first below");
    assertThat(vm.progressProperty().get()).isEqualTo(1.0);
    assertThat(vm.results())
        .hasSize(2)
        .allSatisfy(r -> assertThat(r.status()).isEqualTo("completed"));
    assertThat(vm.results().get(0).bestValLoss())
        .isLessThanOrEqualTo(vm.results().get(1).bestValLoss());
    // Runs land in the workspace's runs, where the Runs view lists and compares them.
    try (Stream<Path> runs = Files.list(ws.runsDir())) {
      assertThat(runs.count()).isEqualTo(2);
    }
    assertThat(vm.results())
        .extracting(SweepRun::run)
        .allSatisfy(r -> assertThat(Path.of(r)).startsWith(ws.runsDir()));
    assertThat(ws.root().resolve("sweeps/tiny-sweep/sweep.json")).exists();

    // Started again, the completed sweep has nothing left: it says so and trains nothing.
    java.util.List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    vm.messageProperty().addListener((o, a, m) -> said.add(m));
    assertThat(vm.start()).isTrue();
    awaitIdle(vm);
    assertThat(said.getFirst()).contains("(2 done, resuming)");
    assertThat(said).noneMatch(m -> m.startsWith("Run "));
    try (Stream<Path> runs = Files.list(ws.runsDir())) {
      assertThat(runs.count()).isEqualTo(2);
    }
  }
}
