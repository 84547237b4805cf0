package dev.anneal.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.train.TinyDataset;
import dev.anneal.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Train view's state without a window: a run starts, reports, and ends. */
class TrainViewModelTest {
  static Workspace workspace(Path dir, String preset) throws Exception {
    AppEnvironment.configure();
    Workspace ws = Workspace.open(dir.resolve("ws"));
    TinyDataset.write(ws.datasetsDir().resolve("tiny"), 16, 60, 8);
    Files.writeString(ws.presetsDir().resolve(preset + ".yaml"), TinyDataset.preset(preset, "llama", 30)
        .replace("context: 32}", "context: 32, moe: {experts: 4, experts_per_token: 2, shared_experts: 1,"
            + " expert_intermediate: 32}}"));
    return ws;
  }

  static void awaitIdle(TrainViewModel vm) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    Thread.sleep(100);
    while (vm.runningProperty().get() && System.nanoTime() < deadline) Thread.sleep(50);
  }

  @Test
  void aRunStartsReportsAndCompletes(@TempDir Path dir) throws Exception {
    Workspace ws = workspace(dir, "tiny-moe");
    TrainViewModel vm = new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), Runnable::run, 2);
    vm.presetProperty().set("tiny-moe");
    assertThat(vm.datasetProperty().get()).isEqualTo(ws.datasetsDir().resolve("tiny"));
    vm.start();
    awaitIdle(vm);
    assertThat(vm.statusProperty().get()).startsWith("Completed at step 30");
    RunCharts c = vm.charts();
    assertThat(c.trainLoss().size()).isEqualTo(30);
    assertThat(c.valLoss().size()).isGreaterThanOrEqualTo(3);
    assertThat(c.checkpoints().size()).isGreaterThanOrEqualTo(6);
    assertThat(c.expertHistoryProperty().get()).isNotEmpty();
    assertThat(c.expertHistoryProperty().get().getLast()).hasSize(2); // layers
    assertThat(vm.runDirProperty().get()).isNotNull();
    assertThat(vm.progressProperty().get()).isEqualTo(1.0);

    // Open the finished run: its history comes back from the files.
    TrainViewModel viewer = new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), Runnable::run, 2);
    viewer.open(vm.runDirProperty().get());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (viewer.charts().trainLoss().size() < 30 && System.nanoTime() < deadline) Thread.sleep(50);
    assertThat(viewer.charts().trainLoss().size()).isEqualTo(30);
  }

  @Test
  void stopSavesACheckpointAndResumeContinues(@TempDir Path dir) throws Exception {
    Workspace ws = workspace(dir, "tiny-moe");
    TrainViewModel vm = new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), Runnable::run, 2);
    vm.presetProperty().set("tiny-moe");
    java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
    vm.charts().stepProperty().addListener((o, a, step) -> {
      if (step.intValue() == 12 && once.compareAndSet(false, true)) vm.stop();
    });
    vm.start();
    awaitIdle(vm);
    assertThat(vm.statusProperty().get()).startsWith("Stopped at step 12");
    Path run = vm.runDirProperty().get();
    vm.resume(run);
    awaitIdle(vm);
    assertThat(vm.statusProperty().get()).startsWith("Completed at step 30");
  }

  @Test
  void seriesStayBoundedOverAVeryLongRun() {
    RunCharts c = new RunCharts();
    for (int batch = 0; batch < 200; batch++) {
      List<dev.anneal.metrics.MetricPoint> points = new java.util.ArrayList<>();
      for (int i = 0; i < 500; i++) {
        long step = batch * 500L + i + 1;
        points.add(dev.anneal.metrics.MetricPoint.train(step, 1.0 / step, 1e-3, 0.5));
      }
      c.addPoints(points);
    }
    assertThat(c.trainLoss().size()).isLessThanOrEqualTo(RunCharts.POINTS);
    var data = c.trainLoss().series().getData();
    assertThat(data.getLast().getXValue().longValue()).isEqualTo(100_000L);
    assertThat(data.getFirst().getXValue().longValue()).isEqualTo(1L);
  }
}
