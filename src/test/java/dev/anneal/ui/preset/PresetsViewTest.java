package dev.anneal.ui.preset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.PresetRegistry;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import java.nio.file.Path;
import java.util.List;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Edit a preset in the property sheet and see the estimate change. */
@ExtendWith(ApplicationExtension.class)
class PresetsViewTest {
  @TempDir static Path dir;
  private PresetsViewModel vm;

  @Start
  void start(Stage stage) {
    vm = new PresetsViewModel(new PresetRegistry(List.of(dir)), dir, AwaitableTaskExecutor.onFx());
    stage.setScene(new Scene(new PresetsView(vm).root(), 1280, 820));
    stage.show();
  }

  @Test
  void typingANewLayerCountChangesTheEstimate(FxRobot robot) {
    Label params = robot.lookup("#estimate-params").queryAs(Label.class);
    assertThat(params.getText()).startsWith("4.3M parameters");
    robot.doubleClickOn("#edit-model-layers").eraseText(3).write("12");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(params.getText()).startsWith("10.6M parameters");
    assertThat(robot.lookup("#preset-differences").queryAs(Label.class).getText())
        .contains("model.layers: 4 → 12");
  }

  @Test
  void anInvalidValueShowsTheProblem(FxRobot robot) {
    robot.doubleClickOn("#edit-model-heads").eraseText(3).write("5");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#preset-problems").queryAs(Label.class).getText())
        .contains("model.heads: 5 heads do not divide hidden 256");
    assertThat(robot.lookup("#estimate-params").queryAs(Label.class).getText())
        .startsWith("Fix the marked fields");
  }

  @Test
  void lettersInANumberFieldAreMarkedAndStopTheEstimateAndSave(FxRobot robot) {
    robot.doubleClickOn("#edit-model-layers").eraseText(3).write("abc");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#preset-problems").queryAs(Label.class).getText())
        .contains("model.layers: a whole number is needed, not \"abc\"");
    assertThat(robot.lookup("#estimate-params").queryAs(Label.class).getText())
        .startsWith("Fix the marked fields");
    assertThat(robot.lookup("#preset-save").queryButton().isDisabled()).isTrue();
    // The text stays as typed: nothing reverts behind the user's back.
    assertThat(
            robot
                .lookup("#edit-model-layers")
                .queryAs(javafx.scene.control.TextField.class)
                .getText())
        .isEqualTo("abc");
    robot.doubleClickOn("#edit-model-layers").eraseText(3).write("4");
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#preset-save").queryButton().isDisabled()).isFalse();
  }
}
