package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.task.Progress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The first start's splash shows how much of libtorch has been unpacked. */
@ExtendWith(ApplicationExtension.class)
class SplashTest {
  private Splash splash;

  @Start
  void start(Stage ignored) {
    splash = new Splash("Unpacking libtorch 2.7.1");
    splash.show();
  }

  @Test
  void showsTheFractionAndTheMegabytes(FxRobot robot) {
    robot.interact(
        () -> splash.update(new Progress("Unpacking", 112_000_000, 448_000_000, Map.of(), -1)));
    WaitForAsyncUtils.waitForFxEvents();
    ProgressBar bar = robot.lookup("#splash-progress").queryAs(ProgressBar.class);
    assertThat(bar.getProgress()).isEqualTo(0.25);
    assertThat(robot.lookup("#splash-detail").queryAs(Label.class).getText())
        .isEqualTo("112 of 448 MB");
    Screenshots.save(splash.root(), "first-start-splash");

    robot.interact(() -> splash.update(new Progress("Downloading", 5_000_000, -1, Map.of(), -1)));
    assertThat(robot.lookup("#splash-detail").queryAs(Label.class).getText()).isEqualTo("5 MB");
    // Before any byte is measurable the splash says what is coming, not a stuck "0 of 448 MB".
    robot.interact(() -> splash.update(new Progress("Unpacking", 0, 448_000_000, Map.of(), -1)));
    assertThat(robot.lookup("#splash-detail").queryAs(Label.class).getText())
        .isEqualTo("448 MB to unpack");
    assertThat(bar.isIndeterminate()).isTrue();
    robot.interact(splash::close);
  }

  @Test
  void movesWithTheBytesTheEngineStartUnpacks(
      FxRobot robot, @org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    List<String> texts = new CopyOnWriteArrayList<>();
    Label detail = robot.lookup("#splash-detail").queryAs(Label.class);
    robot.interact(() -> detail.textProperty().addListener((o, a, t) -> texts.add(t)));
    // As StudioApp wires it: the watcher's reports coalesced onto the FX thread.
    dev.anneal.ui.fx.Latest<Progress> latest =
        new dev.anneal.ui.fx.Latest<>(splash::update, javafx.application.Platform::runLater);
    dev.anneal.engine.FakeUnpack.start(
        tmp.resolve("pytorch"), "Unpacking libtorch", 8, 10_000_000, 150, latest::submit);
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(texts.getLast()).isEqualTo("80 of 80 MB");
    assertThat(texts.stream().filter(t -> t.matches("[1-7]\\d? of 80 MB")).distinct().count())
        .as("partial figures in %s", texts)
        .isGreaterThanOrEqualTo(2); // of 7 possible: a busy machine may starve the watcher a while
    assertThat(robot.lookup("#splash-progress").queryAs(ProgressBar.class).getProgress())
        .isEqualTo(1.0);
    robot.interact(splash::close);
  }
}
