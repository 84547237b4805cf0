package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.data.DatasetPipeline;
import dev.anneal.data.DatasetRequest;
import dev.anneal.infer.ModelLoader;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.task.Cancellation;
import dev.anneal.train.TrainOptions;
import dev.anneal.train.TrainResult;
import dev.anneal.train.Trainer;
import dev.anneal.train.TrainerControl;
import dev.anneal.train.TrainingListener;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import dev.anneal.workspace.SampleWorkspace;
import dev.anneal.workspace.Workspace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The studio on the bundled sample workspace after a short real training run (the nano preset, a
 * few dozen steps): every section filled with what that run gives, in the light and the dark theme,
 * written to {@code assets/screenshots/} for the README. In the dark theme no CSS warning may be
 * logged, through {@code java.util.logging} or on stderr.
 */
@ExtendWith(ApplicationExtension.class)
class StudioTourTest {
  /** Steps of nano: enough for the loss to fall visibly, little enough for a 2-core CI machine. */
  static final int STEPS = 40;

  @TempDir static Path dir;
  static Workspace ws;
  static Path run;
  static final List<String> warnings = new CopyOnWriteArrayList<>();
  static final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
  static PrintStream originalErr;
  static final Handler recorder =
      new Handler() {
        @Override
        public void publish(LogRecord r) {
          if (r.getLevel().intValue() >= Level.WARNING.intValue())
            warnings.add(r.getLoggerName() + ": " + r.getMessage());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  private ShellViewModel vm;
  private BorderPane shell;

  @BeforeAll
  static void trainNanoOnTheSampleWorkspace() throws Exception {
    AppEnvironment.configure();
    ws = SampleWorkspace.ensure(dir.resolve("data"));
    Preset nano = new PresetRegistry(List.of()).resolve("nano");
    Path data = ws.datasetsDir().resolve("sample");
    new DatasetPipeline(o -> {}, Cancellation.none(), 2)
        .run(
            DatasetRequest.forModel(
                ws.sources(),
                data,
                nano.model().vocab(),
                nano.training().seqLenOr(nano.model().context())));
    // nano as shipped, with a schedule that fits the short run: warm up, evaluate and checkpoint
    // within it.
    String yaml =
        new PresetRegistry(List.of())
            .sourceText("nano")
            .replaceFirst("(?m)^  steps: 2000$", "  steps: " + STEPS)
            .replaceFirst("(?m)^  warmup_steps: 100$", "  warmup_steps: 8")
            .replaceFirst("(?m)^  lr: 1.0e-3$", "  lr: 3.0e-3")
            .replaceFirst("(?m)^  eval_every: 100$", "  eval_every: 10")
            .replaceFirst("(?m)^  checkpoint_every: 200$", "  checkpoint_every: 20")
            .replaceFirst("(?m)^  log_every: 10$", "  log_every: 1");
    Preset shortNano = PresetLoader.parse(yaml, "nano");
    assertThat(
            List.of(
                shortNano.training().steps(),
                shortNano.training().warmupSteps(),
                shortNano.training().evalEvery(),
                shortNano.training().checkpointEvery(),
                shortNano.training().logEvery()))
        .containsExactly(STEPS, 8, 10, 20, 1);
    TrainResult r =
        new Trainer(
                shortNano,
                new TrainOptions(data, ws.runsDir(), null, null, null, 2, 4),
                new TrainingListener() {},
                new TrainerControl())
            .run();
    assertThat(r.status()).isEqualTo("completed");
    run = r.runDir();
  }

  private final AwaitableTaskExecutor tasks = AwaitableTaskExecutor.onFx();

  @Start
  void start(Stage stage) {
    vm = new ShellViewModel(ws, tasks);
    ShellView view = new ShellView(vm);
    shell = (BorderPane) view.root();
    Scene scene = new Scene(shell, 1440, 900);
    Themes.apply(scene, "light");
    stage.setScene(scene);
    stage.show();
  }

  @BeforeAll
  static void listen() {
    Logger.getLogger("").addHandler(recorder);
    originalErr = System.err;
    PrintStream tee =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                stderr.write(b);
                originalErr.write(b);
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
  }

  @AfterAll
  static void stopListening() {
    Logger.getLogger("").removeHandler(recorder);
    System.setErr(originalErr);
  }

  @Test
  void everySectionOfATrainedSampleWorkspaceInBothThemes(FxRobot robot) throws Exception {
    // The capture sees what it must fail on: a looked-up colour holding a string, used as a Paint.
    javafx.scene.layout.Region probe = new javafx.scene.layout.Region();
    probe.setStyle("-anneal-probe: \"not a colour\"; -fx-background-color: -anneal-probe;");
    robot.interact(
        () -> {
          shell.setTop(probe);
          probe.applyCss();
          shell.setTop(null);
        });
    assertThat(warnings)
        .as("the probe's warning")
        .anySatisfy(w -> assertThat(w).contains("-fx-background-color"));
    warnings.clear();
    stderr.reset();

    // Datasets: the sample dataset the run trained on, opened.
    show(robot, "Datasets");
    ListView<?> datasets = robot.lookup("#dataset-list").queryAs(ListView.class);
    WaitForAsyncUtils.waitFor(10, TimeUnit.SECONDS, () -> !datasets.getItems().isEmpty());
    robot.interact(() -> datasets.getSelectionModel().select(0));
    tasks.awaitIdle(java.time.Duration.ofSeconds(30));
    WaitForAsyncUtils.waitForFxEvents();
    save("datasets");

    show(robot, "Presets");
    save("presets");

    // Train: the finished run's curves, read back from its files.
    robot.interact(() -> vm.openRun(run));
    // Looked up on the FX thread: the view is still adding its nodes, and a lookup from this
    // thread walked a child list while it changed (IndexOutOfBoundsException, once).
    WaitForAsyncUtils.waitFor(
        20,
        TimeUnit.SECONDS,
        () ->
            WaitForAsyncUtils.asyncFx(
                    () -> robot.lookup("#tile-step").queryAs(Label.class).getText())
                .get()
                .equals(String.valueOf(STEPS)));
    save("train");

    // Compare: the run against its untrained preset, generating and evaluating a corpus file.
    show(robot, "Compare");
    Path file = ws.root().resolve("corpus/anneal/dev/anneal/train/LrSchedule.java");
    assertThat(file).exists();
    robot.interact(
        () -> {
          robot
              .lookup("#base-model")
              .queryAs(ComboBox.class)
              .getItems()
              .size(); // populated on showing
          @SuppressWarnings("unchecked")
          ComboBox<String> base = robot.lookup("#base-model").queryAs(ComboBox.class);
          @SuppressWarnings("unchecked")
          ComboBox<String> tuned = robot.lookup("#tuned-model").queryAs(ComboBox.class);
          base.setValue(ModelLoader.untrainedOf(run));
          tuned.setValue(run.toString());
          robot.lookup("#prompt").queryAs(TextArea.class).setText("  public static double");
          robot
              .lookup("#max-tokens")
              .queryAs(javafx.scene.control.Spinner.class)
              .getValueFactory()
              .setValue(40);
          robot
              .lookup("#eval-source")
              .queryAs(TextField.class)
              .setText(ws.root().relativize(file).toString());
        });
    robot.clickOn("#generate");
    awaitCompare(robot, "Base: ");
    robot.clickOn("#evaluate");
    awaitCompare(robot, "Evaluated ");
    String baseField = robot.lookup("#base-model").queryAs(ComboBox.class).getEditor().getText();
    assertThat(baseField)
        .startsWith("untrained nano (random init, seed ")
        .doesNotContain(dir.toString());
    assertThat(robot.lookup("#eval-source").queryAs(TextField.class).getText())
        .doesNotContain(dir.toString());
    save("compare");

    show(robot, "Runs");
    save("runs");

    assertThat(warnings).as("CSS warnings through java.util.logging").isEmpty();
    assertThat(stderr.toString(StandardCharsets.UTF_8))
        .as("stderr")
        .doesNotContain("cannot be cast")
        .doesNotContain("ClassCastException")
        .doesNotContain("javafx.css");
  }

  private void show(FxRobot robot, String section) {
    robot.interact(() -> vm.sectionProperty().set(section));
    WaitForAsyncUtils.waitForFxEvents();
  }

  private void awaitCompare(FxRobot robot, String finished) throws Exception {
    tasks.awaitIdle(java.time.Duration.ofSeconds(60));
    WaitForAsyncUtils.waitForFxEvents();
    assertThat(robot.lookup("#compare-status").queryAs(Label.class).getText()).startsWith(finished);
  }

  /** Both themes of the section shown (the view, not the window's frame around it). */
  private void save(String name) {
    Node view = shell.getCenter();
    Screenshots.save(view, name);
  }
}
