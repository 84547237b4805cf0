package dev.anneal.ui;

import dev.anneal.AppEnvironment;
import dev.anneal.StartupTrace;
import dev.anneal.engine.EnginePlan;
import dev.anneal.engine.EngineStartup;
import dev.anneal.task.Progress;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.FxTaskExecutor;
import dev.anneal.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.image.Image;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.stage.Stage;

/**
 * The studio's JavaFX application: restores the last window and workspace (the bundled sample
 * workspace on first start), applies the theme and binds the keyboard shortcuts.
 */
public final class StudioApp extends Application {
  private Path settingsFile;
  private StudioSettings settings;
  private Scene scene;
  private ShellView shellView;

  @Override
  public void start(Stage stage) throws IOException {
    StartupTrace.mark("fx toolkit up");
    EnginePlan plan = AppEnvironment.enginePlan();
    if (!plan.firstStart()) {
      ShellViewModel vm = open(stage);
      var engine = vm.probeEngine();
      if (AotTrainingRun.ON) AotTrainingRun.exitWhenReady(scene, engine);
      return;
    }
    // First start: the engine's natives unpack before the window opens, with a progress splash.
    Splash splash = new Splash(plan.stage());
    splash.show();
    StudioPreparation.tasks()
        .execute(
            BackgroundTask.of(
                    "engine-start",
                    ctx -> {
                      Consumer<Progress> progress = ctx.latest(splash::update);
                      return EngineStartup.start(plan, progress::accept);
                    })
                .onSuccess(
                    info -> {
                      try {
                        // The window opens under the splash, which closes once the window has drawn
                        // a frame:
                        // closing it first leaves a second of nothing (or black) on screen.
                        open(stage).showEngine(info);
                        closeAfterNextPulse(splash);
                        if (AotTrainingRun.ON) {
                          AotTrainingRun.exitWhenReady(
                              scene, java.util.concurrent.CompletableFuture.completedFuture(info));
                        }
                      } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                      }
                    })
                .onFailure(
                    m -> {
                      splash.close();
                      new Alert(Alert.AlertType.ERROR, "The PyTorch engine did not start: " + m)
                          .showAndWait();
                      Platform.exit();
                    }));
  }

  private static void closeAfterNextPulse(Splash splash) {
    javafx.animation.AnimationTimer[] t = new javafx.animation.AnimationTimer[1];
    t[0] =
        new javafx.animation.AnimationTimer() {
          private int frames;

          @Override
          public void handle(long now) {
            if (++frames < 3) return;
            stop();
            splash.close();
          }
        };
    t[0].start();
  }

  /** Opens the main window on the last workspace. */
  private ShellViewModel open(Stage stage) throws IOException {
    StudioPreparation.Prepared prepared = StudioPreparation.take();
    settingsFile = prepared.settingsFile();
    settings = prepared.settings();
    Workspace workspace = prepared.workspace();
    FxTaskExecutor tasks = StudioPreparation.tasks();
    ShellViewModel vm = new ShellViewModel(workspace, tasks);
    for (String r : settings.recent().reversed()) {
      if (java.nio.file.Files.isDirectory(Path.of(r))) vm.remember(Path.of(r));
    }
    vm.remember(workspace.root());
    ShellView shell = new ShellView(vm);
    StartupTrace.mark("shell built");
    shellView = shell;
    // A SIGTERM or logout must not end the JVM under a training step (see TrainViewModel.shutdown).
    tasks.atExit("anneal-shutdown", shell::shutdown);
    scene = new Scene(shell.root(), settings.width(), settings.height());
    applyTheme(settings.theme());
    bindShortcuts(stage, vm, shell);
    stage.setTitle("Anneal — " + workspace.name());
    vm.workspaceProperty().addListener((o, a, w) -> stage.setTitle("Anneal — " + w.name()));
    if (!Double.isNaN(settings.x())) {
      stage.setX(settings.x());
      stage.setY(settings.y());
    }
    stage.setMaximized(settings.maximized());
    stage.setScene(scene);
    stage.setOnCloseRequest(
        e -> {
          if (!confirmQuit(vm)) {
            e.consume();
            return;
          }
          remember(stage, vm);
        });
    stage.getIcons().add(new Image(StudioApp.class.getResourceAsStream("icon.png")));
    stage.show();
    StartupTrace.mark("stage shown");
    return vm;
  }

  private void bindShortcuts(Stage stage, ShellViewModel vm, ShellView shell) {
    List<String> sections = ShellViewModel.SECTIONS;
    KeyCode[] digits = {
      KeyCode.DIGIT1, KeyCode.DIGIT2, KeyCode.DIGIT3, KeyCode.DIGIT4, KeyCode.DIGIT5
    };
    for (int i = 0; i < sections.size(); i++) {
      String name = sections.get(i);
      scene
          .getAccelerators()
          .put(
              new KeyCodeCombination(digits[i], KeyCombination.SHORTCUT_DOWN),
              () -> vm.sectionProperty().set(name));
    }
    scene
        .getAccelerators()
        .put(
            new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN),
            shell::chooseWorkspace);
    scene
        .getAccelerators()
        .put(
            new KeyCodeCombination(
                KeyCode.L, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
            () -> applyTheme(settings.theme().equals("dark") ? "light" : "dark"));
    scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F1), () -> about(vm));
    scene
        .getAccelerators()
        .put(
            new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN),
            () -> {
              if (!confirmQuit(vm)) return;
              remember(stage, vm);
              Platform.exit();
            });
  }

  /** Quitting during a run stops it with a checkpoint; ask first. */
  private static boolean confirmQuit(ShellViewModel vm) {
    if (!vm.trainingProperty().get()) return true;
    Alert a =
        new Alert(
            Alert.AlertType.CONFIRMATION,
            "The run stops after this step and saves a checkpoint; Resume in Train or Runs continues it.",
            javafx.scene.control.ButtonType.YES,
            javafx.scene.control.ButtonType.NO);
    a.setHeaderText("A run is training. Stop it and quit?");
    return a.showAndWait().orElse(javafx.scene.control.ButtonType.NO)
        == javafx.scene.control.ButtonType.YES;
  }

  private void applyTheme(String theme) {
    settings = settings.withTheme(theme);
    Themes.apply(scene, theme);
  }

  private void about(ShellViewModel vm) {
    Alert a = new Alert(Alert.AlertType.INFORMATION);
    a.setTitle("About Anneal");
    a.setHeaderText("Anneal " + AppEnvironment.version());
    a.setContentText(
        String.join(
            "\n",
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")",
            "JavaFX " + System.getProperty("javafx.runtime.version", "?"),
            vm.engineProperty().get(),
            "Data folder " + AppEnvironment.dataDir(),
            "",
            "Ctrl+1…5 sections · Ctrl+O open workspace · Ctrl+Shift+L theme · Ctrl+Q quit"));
    a.showAndWait();
  }

  private void remember(Stage stage, ShellViewModel vm) {
    settings =
        settings
            .withBounds(
                stage.getX(),
                stage.getY(),
                stage.getWidth(),
                stage.getHeight(),
                stage.isMaximized())
            .withWorkspace(vm.workspaceProperty().get().root().toString());
    try {
      settings.save(settingsFile);
    } catch (IOException e) {
      System.getLogger("anneal").log(System.Logger.Level.WARNING, "cannot save studio settings", e);
    }
  }

  /** Closing the window: a running training saves a checkpoint and stops before the JVM exits. */
  @Override
  public void stop() {
    if (shellView != null) shellView.shutdown();
  }
}
