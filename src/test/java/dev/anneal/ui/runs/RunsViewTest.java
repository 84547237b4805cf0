package dev.anneal.ui.runs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.preset.Preset;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Runs written by the test appear in the table; resume, delete with confirmation. */
@ExtendWith(ApplicationExtension.class)
class RunsViewTest {
  @TempDir static Path tmp;
  private Workspace ws;
  private final List<Path> resumed = new ArrayList<>();

  @Start
  void start(Stage stage) throws Exception {
    AppEnvironment.configure();
    ws = Workspace.open(tmp.resolve("ws-" + System.nanoTime()));
    Preset nano = TestRuns.nano();
    Instant t0 = Instant.parse("2026-11-02T10:00:00Z");
    TestRuns.run(
        ws.runsDir(), "nano-20261102-100000", nano, "completed", 200, 200L, 2.8413, t0, 200);
    TestRuns.run(
        ws.runsDir(),
        "nano-20261102-113000",
        nano,
        "stopped",
        200,
        120L,
        3.0542,
        t0.plusSeconds(5400),
        120);
    TestRuns.run(
        ws.runsDir(),
        "nano-20261103-090000",
        nano,
        "running",
        1000,
        null,
        null,
        t0.plusSeconds(82800),
        57);
    RunsViewModel vm = new RunsViewModel(ws, AwaitableTaskExecutor.onFx(), p -> {}, resumed::add);
    stage.setScene(new Scene(new RunsView(vm).root(), 1100, 500));
    stage.show();
  }

  @SuppressWarnings("unchecked")
  private TableView<RunSummary> table(FxRobot robot) throws Exception {
    TableView<RunSummary> t = robot.lookup("#runs-table").queryAs(TableView.class);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> t.getItems().size() == 3);
    return t;
  }

  @Test
  void runsAppearNewestFirstAndAStoppedOneResumes(FxRobot robot) throws Exception {
    TableView<RunSummary> t = table(robot);
    assertThat(t.getItems())
        .extracting(RunSummary::status)
        .containsExactly("running", "stopped", "completed");
    assertThat(t.getItems().getFirst().step()).isEqualTo(57);
    robot.clickOn("nano-20261102-113000");
    assertThat(robot.lookup("#runs-export-bundle").queryAs(Button.class).isDisabled()).isTrue();
    robot.clickOn("#runs-resume");
    assertThat(resumed).containsExactly(ws.runsDir().resolve("nano-20261102-113000"));
  }

  @Test
  void deleteAsksFirstAndCancelKeepsTheRun(FxRobot robot) throws Exception {
    TableView<RunSummary> t = table(robot);
    robot.clickOn("nano-20261102-100000");
    robot.clickOn("#runs-delete");
    robot.clickOn("Cancel");
    assertThat(ws.runsDir().resolve("nano-20261102-100000")).exists();
    robot.clickOn("#runs-delete");
    robot.clickOn("OK");
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> t.getItems().size() == 2);
    assertThat(ws.runsDir().resolve("nano-20261102-100000")).doesNotExist();
    assertThat(robot.lookup("#runs-message").queryAs(Label.class).getText())
        .isEqualTo("Deleted nano-20261102-100000");
  }
}
