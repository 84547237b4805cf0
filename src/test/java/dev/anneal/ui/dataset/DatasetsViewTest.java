package dev.anneal.ui.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.data.sample.Sample;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.chart.BarChart;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Build a dataset from a temporary repository by pressing Build; see counts, preview, charts. */
@ExtendWith(ApplicationExtension.class)
class DatasetsViewTest {
  @TempDir Path tmp;
  private DatasetsViewModel vm;
  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  @Start
  void start(Stage stage) throws Exception {
    AppEnvironment.configure();
    Path repo = SmallRepo.write(tmp.resolve("repo"));
    vm = new DatasetsViewModel(Workspace.open(tmp.resolve("ws")), tasks);
    vm.settings().sources().setAll(repo);
    vm.settings().vocabSizeProperty().set(300);
    vm.settings().seqLenProperty().set(64);
    stage.setScene(new Scene(new DatasetsView(vm).root(), 1280, 820));
    stage.show();
  }

  @Test
  void pressingBuildShowsCountsPreviewChartsAndSkippedFiles(FxRobot robot) throws Exception {
    robot.clickOn("#dataset-build");
    tasks.awaitIdle(java.time.Duration.ofSeconds(90));
    assertThat(vm.runningProperty().get()).isFalse();
    assertThat(vm.messageProperty().get()).startsWith("Built");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#dataset-counts").queryAs(Label.class).getText())
        .contains("samples", "tokens");
    assertThat(robot.lookup("#dataset-summary").queryAs(Label.class).getText())
        .startsWith("corpus:")
        .contains("train +");

    @SuppressWarnings("unchecked")
    TableView<Sample> table = robot.lookup("#dataset-samples").queryAs(TableView.class);
    assertThat(table.getItems()).isNotEmpty();
    Sample third = table.getItems().get(2);
    robot.clickOn(robot.lookup("#dataset-samples .table-row-cell").nth(2).queryAs(Node.class));
    assertThat(robot.lookup("#dataset-code").queryAs(TextArea.class).getText())
        .isEqualTo(third.text());

    robot.clickOn("Charts");
    BarChart<?, ?> langs = robot.lookup("#by-language").queryAs(BarChart.class);
    assertThat(langs.getData().getFirst().getData()).hasSize(3);

    robot.clickOn("Skipped");
    TableView<?> skipped = robot.lookup("#dataset-skipped").queryAs(TableView.class);
    assertThat(skipped.getItems())
        .anySatisfy(
            s -> assertThat(((DatasetFolder.Skip) s).path()).isEqualTo("lib/src/broken.rs"));
  }

  @Test
  void aBadOutputNameDisablesBuildAndSaysWhy(FxRobot robot) {
    robot.doubleClickOn("#dataset-output").eraseText(10).write("no/slash");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#dataset-build").queryAs(Button.class).isDisabled()).isTrue();
    assertThat(robot.lookup("#dataset-problems").queryAs(Label.class).getText())
        .contains("Output name");
  }
}
