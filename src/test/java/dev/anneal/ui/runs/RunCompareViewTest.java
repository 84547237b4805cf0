package dev.anneal.ui.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.Preset;
import dev.anneal.runs.PresetDiff;
import dev.anneal.runs.RunHistory;
import dev.anneal.sweep.SweepPresets;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Button;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Select two runs, press Compare: their curves on shared charts and how their presets differ. */
@ExtendWith(ApplicationExtension.class)
class RunCompareViewTest {
  @TempDir static Path tmp;
  private RunsViewModel vm;
  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  @Start
  void start(Stage stage) throws Exception {
    Workspace ws = Workspace.open(tmp.resolve("ws"));
    Preset nano = TestRuns.nano();
    Preset faster = SweepPresets.apply(nano, Map.of("training.lr", "3e-3"));
    Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
    Path a = TestRuns.run(ws.runsDir(), "nano-a", nano, "completed", 20, 20L, 2.5, t0, 0);
    Path b =
        TestRuns.run(
            ws.runsDir(), "nano-b", faster, "completed", 20, 20L, 2.1, t0.plusSeconds(60), 0);
    metrics(a, 0.00);
    metrics(b, 0.02);
    vm = new RunsViewModel(ws, tasks, p -> {}, p -> {});
    stage.setScene(new Scene(new RunsView(vm).root(), 1200, 800));
    stage.show();
    // Not waited for here: its result is shown on this, the FX thread; the test waits for it.
    vm.refresh();
  }

  /** 20 logged steps with tokens and lr, and evaluations at 10 and 20. */
  private static void metrics(Path run, double faster) throws Exception {
    StringBuilder sb = new StringBuilder();
    for (int s = 1; s <= 20; s++) {
      sb.append(
          String.format(
              java.util.Locale.ROOT,
              "{\"step\":%d,\"tokens\":%d,\"loss\":%.3f,\"lr\":%.4f}%n",
              s,
              s * 512,
              4.0 - s * (0.05 + faster),
              0.001 * (1 + faster * 100)));
      if (s % 10 == 0) {
        sb.append(
            String.format(
                java.util.Locale.ROOT,
                "{\"step\":%d,\"val_loss\":%.3f,\"ppl\":1.0}%n",
                s,
                4.1 - s * (0.05 + faster)));
      }
    }
    Files.writeString(run.resolve("metrics.jsonl"), sb, StandardOpenOption.TRUNCATE_EXISTING);
  }

  @Test
  void twoSelectedRunsAreChartedAndTheirPresetsDiffed(FxRobot robot) throws Exception {
    tasks.awaitIdle(java.time.Duration.ofSeconds(10));
    WaitForAsyncUtils.waitForFxEvents();
    Button compare = robot.lookup("#runs-compare-button").queryAs(Button.class);
    assertThat(compare.isDisabled()).isTrue();
    robot.clickOn(
        robot.lookup("#runs-table .table-row-cell").nth(0).queryAs(javafx.scene.Node.class));
    robot.press(KeyCode.CONTROL);
    robot.clickOn(
        robot.lookup("#runs-table .table-row-cell").nth(1).queryAs(javafx.scene.Node.class));
    robot.release(KeyCode.CONTROL);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(compare.isDisabled()).isFalse();
    robot.clickOn(compare);
    tasks.awaitIdle(java.time.Duration.ofSeconds(10));
    assertThat(vm.comparisonProperty().get()).isNotNull();
    WaitForAsyncUtils.waitForFxEvents();

    @SuppressWarnings("unchecked")
    LineChart<Number, Number> val = robot.lookup("#compare-val-loss").queryAs(LineChart.class);
    assertThat(val.getData()).hasSize(2);
    assertThat(val.getData())
        .allSatisfy(
            s ->
                assertThat(s.getData())
                    .extracting(d -> d.getXValue().longValue())
                    .containsExactly(10L, 20L));
    LineChart<?, ?> train = robot.lookup("#compare-train-loss").queryAs(LineChart.class);
    assertThat(train.getData()).allSatisfy(s -> assertThat(s.getData()).hasSize(20));
    assertThat(robot.lookup("#compare-lr").queryAs(LineChart.class).getData()).hasSize(2);

    robot.clickOn("#compare-by-tokens");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(val.getData().getFirst().getData())
        .extracting(d -> d.getXValue().longValue())
        .containsExactly(10L * 512, 20L * 512);

    TableView<?> diff = robot.lookup("#compare-diff").queryAs(TableView.class);
    assertThat(diff.getItems())
        .singleElement()
        .satisfies(
            r -> {
              PresetDiff.Row row = (PresetDiff.Row) r;
              assertThat(row.field()).isEqualTo("training.lr");
            });
    TableView<?> summary = robot.lookup("#compare-summary").queryAs(TableView.class);
    assertThat(summary.getItems())
        .extracting(r -> ((RunHistory) r).steps())
        .containsOnly(20L); // run.json's, not the preset's 2000
    // The lowest validation loss of each run: the last evaluation, 4.1 - 20 × slope, to 3 decimals.
    assertThat(summary.getItems())
        .extracting(r -> Math.round(((RunHistory) r).bestValLoss() * 1000))
        .containsExactlyInAnyOrder(3100L, 2700L);
    dev.anneal.ui.Screenshots.save(summary.getScene().getRoot(), "runs-compare");
  }
}
