package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The shell opens headless, navigates between sections and shows the workspace. */
@ExtendWith(ApplicationExtension.class)
class ShellViewTest {
  @TempDir static Path dir;
  private ShellViewModel vm;

  @Start
  void start(Stage stage) {
    vm = new ShellViewModel(Workspace.open(dir.resolve("ws")), AwaitableTaskExecutor.onFx());
    stage.setScene(new Scene(new ShellView(vm).root(), 1100, 700));
    stage.show();
  }

  @Test
  void navigatingSwitchesSections(FxRobot robot) {
    robot.clickOn("#nav-runs");
    assertThat(vm.sectionProperty().get()).isEqualTo("Runs");
    robot.clickOn("#nav-presets");
    ListView<?> list = robot.lookup("#preset-list").queryAs(ListView.class);
    assertThat(list.getItems())
        .map(Object::toString)
        .anySatisfy(s -> assertThat(s).contains("nano"));
  }

  @Test
  void statusBarShowsTheWorkspaceAndMemory(FxRobot robot) {
    assertThat(robot.lookup("#status").queryAs(Label.class).getText()).endsWith("ws");
    assertThat(robot.lookup("#status-memory").queryAs(Label.class).getText())
        .matches("Memory \\d+ MB");
    assertThat(robot.lookup("#workspace-name").queryAs(Label.class).getText()).isEqualTo("ws");
  }
}
