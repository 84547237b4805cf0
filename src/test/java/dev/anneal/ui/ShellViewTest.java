package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/** The shell opens headless, navigates, and lists the built-in presets. */
@ExtendWith(ApplicationExtension.class)
class ShellViewTest {
  private ShellViewModel vm;

  @Start
  void start(Stage stage) {
    vm = new ShellViewModel();
    stage.setScene(new Scene(new ShellView(vm).root(), 900, 600));
    stage.show();
  }

  @Test
  void navigatingToPresetsListsThem(FxRobot robot) {
    robot.clickOn("#nav-presets");
    assertThat(vm.sectionProperty().get()).isEqualTo("Presets");
    ListView<?> list = robot.lookup("#preset-list").queryAs(ListView.class);
    assertThat(list.getItems()).map(Object::toString).contains("nano", "tiny");
  }

  @Test
  void statusBarNamesTheDataFolder(FxRobot robot) {
    Label status = robot.lookup("#status").queryAs(Label.class);
    assertThat(status.getText()).contains("test-home").contains("presets");
  }
}
