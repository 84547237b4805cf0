package dev.anneal.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.train.TinyDataset;
import dev.anneal.ui.task.AwaitableTaskExecutor;
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
    Files.writeString(
        ws.presetsDir().resolve(preset + ".yaml"),
        TinyDataset.preset(preset, "llama", 30)
            .replace(
                "context: 32}",
                "context: 32, moe: {experts: 4, experts_per_token: 2, shared_experts: 1,"
                    + " expert_intermediate: 32}}"));
    return ws;
  }

  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.direct();

  private void awaitIdle(TrainViewModel vm) throws Exception {
    tasks.awaitIdle(java.time.Duration.ofSeconds(60));
    assertThat(vm.runningProperty().get()).isFalse();
  }

  @Test
  void aRunStartsReportsAndCompletes(@TempDir Path dir) throws Exception {
    Workspace ws = workspace(dir, "tiny-moe");
    TrainViewModel vm =
        new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), tasks, 2);
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
    TrainViewModel viewer =
        new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), tasks, 2);
    viewer.open(vm.runDirProperty().get());
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (viewer.charts().trainLoss().size() < 30 && System.nanoTime() < deadline)
      Thread.sleep(50);
    assertThat(viewer.charts().trainLoss().size()).isEqualTo(30);
  }

  @Test
  void stopSavesACheckpointAndResumeContinues(@TempDir Path dir) throws Exception {
    Workspace ws = workspace(dir, "tiny-moe");
    TrainViewModel vm =
        new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), tasks, 2);
    vm.presetProperty().set("tiny-moe");
    java.util.concurrent.atomic.AtomicBoolean once =
        new java.util.concurrent.atomic.AtomicBoolean();
    vm.charts()
        .stepProperty()
        .addListener(
            (o, a, step) -> {
              if (step.intValue() == 12 && once.compareAndSet(false, true)) vm.stop();
            });
    vm.start();
    awaitIdle(vm);
    assertThat(vm.statusProperty().get()).startsWith("Stopped at step 12");
    // Speed and time left belong to a run in progress: the tiles blank them after Stop.
    assertThat(RunCharts.speedText(vm.charts().tokensPerSProperty().get())).isEqualTo("–");
    assertThat(RunCharts.etaText(vm.charts().etaProperty().get())).isEqualTo("–");
    assertThat(RunCharts.stepText(vm.charts().stepProperty().get())).isEqualTo("12");
    // Train offers Resume for the run it stopped.
    assertThat(vm.resumableProperty().get()).isTrue();
    vm.resume();
    awaitIdle(vm);
    assertThat(vm.statusProperty().get()).startsWith("Completed at step 30");
    assertThat(vm.resumableProperty().get()).isFalse();
    // Every checkpoint marker of the resumed run sits on the loss curve at its step.
    for (var m : vm.charts().checkpoints().series().getData()) {
      assertThat(m.getYValue().doubleValue())
          .as("marker at step " + m.getXValue())
          .isEqualTo(vm.charts().lossAt(m.getXValue().longValue()));
    }
  }

  @Test
  void pauseHoldsTheRunAndCancelEndsItAtThatStep(@TempDir Path dir) throws Exception {
    Workspace ws = workspace(dir, "tiny-moe");
    TrainViewModel vm =
        new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), tasks, 2);
    vm.presetProperty().set("tiny-moe");
    java.util.concurrent.CountDownLatch pausedAt5 = new java.util.concurrent.CountDownLatch(1);
    vm.charts()
        .stepProperty()
        .addListener(
            (o, a, step) -> {
              if (step.intValue() == 5 && pausedAt5.getCount() > 0) {
                vm.pause();
                pausedAt5.countDown();
              }
            });
    vm.start();
    assertThat(pausedAt5.await(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(vm.pausedProperty().get()).isTrue();
    assertThat(vm.runningProperty().get()).isTrue();
    // Paused, the trainer waits before step 6; Cancel ends it there, without another step.
    vm.cancel();
    awaitIdle(vm);
    assertThat(vm.statusProperty().get()).startsWith("Cancelled at step 5");
    assertThat(vm.charts().trainLoss().size()).isEqualTo(5);
    assertThat(vm.pausedProperty().get()).isFalse();
  }

  @Test
  void theBestDeviceOfferedIsChosenAndTheChoiceReachesTheTrainer(@TempDir Path dir)
      throws Exception {
    Workspace ws = workspace(dir, "tiny-moe");
    TrainViewModel vm =
        new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), tasks, 2);
    vm.presetProperty().set("tiny-moe");
    assertThat(vm.devices()).containsExactly("cpu");
    // Offered best first, as EngineInfo.trainingDevices() lists them: CUDA is the default.
    vm.offerDevices(List.of("cuda", "cpu"));
    assertThat(vm.deviceProperty().get()).isEqualTo("cuda");
    assertThat(vm.devices()).containsExactly("cuda", "cpu");
    boolean hasGpu = dev.anneal.engine.EngineInfo.probe().gpus() > 0;
    if (!hasGpu) {
      // This libtorch has no GPU: the trainer refuses the device it was handed, before any run
      // folder.
      vm.start();
      awaitIdle(vm);
      assertThat(vm.statusProperty().get()).startsWith("Failed: device cuda: ");
      assertThat(vm.runDirProperty().get()).isNull();
    }
    vm.deviceProperty().set("cpu");
    vm.start();
    awaitIdle(vm);
    assertThat(vm.statusProperty().get()).startsWith("Completed at step 30");
    assertThat(vm.charts().deviceProperty().get()).isEqualTo("cpu()");
    assertThat(RunCharts.deviceText(vm.charts().deviceProperty().get())).isEqualTo("CPU");
    assertThat(vm.charts().log()).anySatisfy(l -> assertThat(l).contains("device cpu()"));
  }

  @Test
  void theDeviceTileReadsTheStartEventOrAnOlderRunsBanner() {
    var start =
        new dev.anneal.metrics.RunEvent(
            0,
            java.time.Instant.EPOCH,
            dev.anneal.metrics.RunEvent.START,
            "device gpu(0) (NVIDIA H100 80GB HBM3) · libtorch 2.7.1",
            java.util.Map.of("device", "gpu(0) NVIDIA H100 80GB HBM3"));
    assertThat(RunCharts.deviceText(RunCharts.deviceOf(start))).isEqualTo("CUDA 0");
    var older =
        new dev.anneal.metrics.RunEvent(
            0,
            java.time.Instant.EPOCH,
            dev.anneal.metrics.RunEvent.START,
            "device cpu() · libtorch 2.7.1 · 2 threads",
            java.util.Map.of());
    assertThat(RunCharts.deviceOf(older)).isEqualTo("cpu()");
    assertThat(RunCharts.deviceText("mps()")).isEqualTo("MPS");
    assertThat(RunCharts.deviceText("")).isEqualTo("–");
  }

  @Test
  void markersOfAHistoryLoadedAtOnceSitOnTheCurveAtTheirStep() {
    RunCharts c = new RunCharts();
    List<dev.anneal.metrics.MetricPoint> points = new java.util.ArrayList<>();
    for (int step = 1; step <= 20; step++)
      points.add(dev.anneal.metrics.MetricPoint.train(step, 10.0 / step, 1e-3, 0.5));
    c.addPoints(points);
    c.addEvents(
        List.of(
            new dev.anneal.metrics.RunEvent(
                5,
                java.time.Instant.EPOCH,
                dev.anneal.metrics.RunEvent.CHECKPOINT,
                "step-000005",
                java.util.Map.of()),
            new dev.anneal.metrics.RunEvent(
                10,
                java.time.Instant.EPOCH,
                dev.anneal.metrics.RunEvent.CHECKPOINT,
                "step-000010",
                java.util.Map.of())));
    var markers = c.checkpoints().series().getData();
    assertThat(markers.get(0).getYValue().doubleValue()).isEqualTo(2.0); // 10 / 5
    assertThat(markers.get(1).getYValue().doubleValue())
        .isEqualTo(1.0); // 10 / 10, not the last loss 0.5
  }

  @Test
  void tileFiguresReadAsWholeNumbersAndDurations() {
    assertThat(RunCharts.stepText(0)).isEqualTo("–");
    assertThat(RunCharts.stepText(1234)).isEqualTo("1,234");
    assertThat(RunCharts.speedText(Double.NaN)).isEqualTo("–");
    assertThat(RunCharts.speedText(7012.4)).isEqualTo("7,012");
    assertThat(RunCharts.etaText(-1)).isEqualTo("–");
    assertThat(RunCharts.etaText(65)).isEqualTo("1m 05s");
    assertThat(RunCharts.lossText(2.71828)).isEqualTo("2.718");
    assertThat(RunCharts.memoryText(438.2)).isEqualTo("438 MB");
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
