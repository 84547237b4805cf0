package dev.anneal.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.PresetRegistry;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Press Start on a tiny MoE preset and see points arrive in the charts and the heatmap. */
@ExtendWith(ApplicationExtension.class)
class TrainViewTest {
  @TempDir static Path dir;
  private TrainViewModel vm;
  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  @Start
  void start(Stage stage) throws Exception {
    Workspace ws = TrainViewModelTest.workspace(dir, "tiny-moe");
    vm = new TrainViewModel(ws, new PresetRegistry(List.of(ws.presetsDir())), tasks, 2);
    vm.presetProperty().set("tiny-moe");
    Scene scene = new Scene(new TrainView(vm).root(), 1280, 820);
    scene
        .getStylesheets()
        .add(dev.anneal.ui.StudioApp.class.getResource("studio.css").toExternalForm());
    scene
        .getStylesheets()
        .add(dev.anneal.ui.StudioApp.class.getResource("light.css").toExternalForm());
    stage.setScene(scene);
    stage.show();
  }

  @Test
  void startingShowsPointsArriving(FxRobot robot) throws Exception {
    robot.clickOn("#train-start");
    tasks.awaitIdle(java.time.Duration.ofSeconds(90));
    assertThat(vm.runningProperty().get()).isFalse();
    assertThat(vm.statusProperty().get()).startsWith("Completed");
    WaitForAsyncUtils.waitForFxEvents();
    LineChart<?, ?> loss = onFx(() -> robot.lookup("#chart-loss").queryAs(LineChart.class));
    assertThat(onFx(() -> loss.getData().getFirst().getData().size())).isEqualTo(30);
    assertThat(onFx(() -> robot.lookup("#train-status").queryAs(Label.class).getText()))
        .startsWith("Completed at step 30");
    assertThat(vm.charts().log()).anySatisfy(l -> assertThat(l).contains("checkpoint"));
    // The device picker offers what the engine has (the CPU here) and the tile names the run's.
    assertThat(onFx(() -> robot.lookup("#train-device").queryComboBox().getValue()))
        .isEqualTo("cpu");
    assertThat(onFx(() -> robot.lookup("#tile-device").queryAs(Label.class).getText()))
        .isEqualTo("CPU");
  }

  /**
   * {@code read} on the FX thread: the view may still be adding nodes, and a lookup from the test
   * thread walked a child list while it changed (IndexOutOfBoundsException in CI once).
   */
  private static <T> T onFx(java.util.concurrent.Callable<T> read) throws Exception {
    return WaitForAsyncUtils.asyncFx(read).get(20, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void eachLanguagesValidationLossIsALineOnTheLossChart(FxRobot robot) throws Exception {
    robot.interact(
        () ->
            vm.charts()
                .addPoints(
                    List.of(
                        dev.anneal.metrics.MetricPoint.eval(
                            10, 3.0, java.util.Map.of("java", 2.5, "rust", 3.5)))));
    LineChart<?, ?> loss = onFx(() -> robot.lookup("#chart-loss").queryAs(LineChart.class));
    assertThat(onFx(() -> names(loss))).contains("val loss · java", "val loss · rust");
    robot.interact(() -> vm.charts().clear());
    assertThat(onFx(() -> names(loss))).doesNotContain("val loss · java");
  }

  private static List<String> names(LineChart<?, ?> chart) {
    return chart.getData().stream().map(series -> series.getName()).toList();
  }
}
