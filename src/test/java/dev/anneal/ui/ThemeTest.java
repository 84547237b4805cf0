package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * Every section in the dark theme: no light panel left behind under light text, and no CSS warnings
 * (a value the stylesheet cannot convert is logged once per node and styled wrongly).
 */
@ExtendWith(ApplicationExtension.class)
class ThemeTest {
  @TempDir static Path dir;
  private final List<String> warnings = new CopyOnWriteArrayList<>();
  private final Handler recorder =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue()) warnings.add(r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private ShellViewModel vm;
  private Scene scene;

  @Start
  void start(Stage stage) {
    Logger.getLogger("javafx.css").addHandler(recorder);
    Logger.getLogger("javafx.scene.control").addHandler(recorder);
    vm = new ShellViewModel(Workspace.open(dir.resolve("ws")), AwaitableTaskExecutor.onFx());
    scene = new Scene(new ShellView(vm).root(), 1100, 700);
    Themes.apply(scene, "dark");
    stage.setScene(scene);
    stage.show();
  }

  @AfterEach
  void detach() {
    Logger.getLogger("javafx.css").removeHandler(recorder);
    Logger.getLogger("javafx.scene.control").removeHandler(recorder);
  }

  @Test
  void everySectionIsDarkWithoutCssWarnings(FxRobot robot) {
    for (String section : ShellViewModel.SECTIONS) {
      robot.interact(() -> vm.sectionProperty().set(section));
      WaitForAsyncUtils.waitForFxEvents();
      BufferedImage image = Screenshots.snapshot(scene.getRoot(), "dark");
      // Text and accents are bright; a white panel would be a large share of the picture.
      assertThat(Screenshots.brightShare(image, 0.8)).as(section).isLessThan(0.04);
      BufferedImage light = Screenshots.snapshot(scene.getRoot(), "light");
      assertThat(Screenshots.brightShare(light, 0.8))
          .as(section + " in the light theme")
          .isGreaterThan(0.5);
    }
    assertThat(warnings).isEmpty();
  }

  @Test
  void emptyChartsShowNoMadeUpScaleAndTilesShowDashes(FxRobot robot) {
    robot.interact(() -> vm.sectionProperty().set("Train"));
    WaitForAsyncUtils.waitForFxEvents();
    LineChart<?, ?> loss = robot.lookup("#chart-loss").queryAs(LineChart.class);
    assertThat(loss.getXAxis().isTickLabelsVisible()).isFalse();
    assertThat(loss.getYAxis().isTickLabelsVisible()).isFalse();
    for (String tile :
        List.of("#tile-step", "#tile-speed", "#tile-eta", "#tile-loss", "#tile-memory")) {
      assertThat(robot.lookup(tile).queryAs(Label.class).getText()).as(tile).isEqualTo("–");
    }
    // The figure titles are readable, not the 6 px a fixed-size tile scaled them to.
    Label title = robot.lookup(".figure-title").queryAs(Label.class);
    assertThat(title.getFont().getSize()).isGreaterThanOrEqualTo(12);
  }
}
