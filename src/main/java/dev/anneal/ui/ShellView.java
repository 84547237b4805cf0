package dev.anneal.ui;

import dev.anneal.ui.dataset.DatasetsView;
import dev.anneal.ui.dataset.DatasetsViewModel;
import dev.anneal.ui.preset.PresetsView;
import dev.anneal.ui.preset.PresetsViewModel;
import dev.anneal.ui.runs.RunsView;
import dev.anneal.ui.runs.RunsViewModel;
import dev.anneal.ui.train.TrainView;
import dev.anneal.ui.train.TrainViewModel;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.util.Duration;

/** The window's frame: navigation on the left, the open section in the middle, a status bar. */
public final class ShellView {
  private final BorderPane root = new BorderPane();
  private final ShellViewModel vm;
  private final Map<String, Parent> sections = new HashMap<>();
  private final Map<String, Supplier<Parent>> factories = new HashMap<>();

  /** What must finish before the studio exits (a training run checkpointing). */
  private final java.util.List<Runnable> onShutdown =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public ShellView(ShellViewModel vm) {
    this.vm = vm;
    factories.put(
        "Presets",
        () -> {
          var presets =
              new PresetsViewModel(
                  vm.presets(), vm.workspaceProperty().get().presetsDir(), vm.tasks());
          var sweep =
              new dev.anneal.ui.preset.SweepPanel(
                  new dev.anneal.ui.preset.SweepViewModel(
                      vm.workspaceProperty().get(),
                      () -> presets.presetProperty().get(),
                      vm.tasks()));
          return new BorderPane(new PresetsView(presets).root(), null, null, sweep.root(), null);
        });
    factories.put(
        "Datasets",
        () -> {
          DatasetsViewModel datasets =
              new DatasetsViewModel(vm.workspaceProperty().get(), vm.tasks());
          // A dataset built by Train shows up here without pressing Refresh.
          vm.datasetsChangedProperty().addListener((o, a, b) -> datasets.refresh());
          return new DatasetsView(datasets).root();
        });
    factories.put(
        "Runs",
        () ->
            new RunsView(
                    new RunsViewModel(
                        vm.workspaceProperty().get(), vm.tasks(), vm::openRun, vm::resumeRun))
                .root());
    factories.put("Train", () -> trainView(vm, onShutdown));
    factories.put(
        "Compare",
        () ->
            new dev.anneal.ui.compare.CompareView(
                    new dev.anneal.ui.compare.CompareViewModel(
                        vm.workspaceProperty().get().root(),
                        vm.workspaceProperty().get().runsDir(),
                        vm.tasks()))
                .root());

    VBox nav = new VBox(4);
    nav.setId("navigation");
    nav.setPadding(new Insets(10, 8, 10, 8));
    Label workspace = new Label();
    workspace.setId("workspace-name");
    workspace.setWrapText(true);
    workspace.textProperty().bind(vm.workspaceProperty().map(w -> w.name()));
    nav.getChildren().addAll(workspace, workspaceMenu());
    ToggleGroup group = new ToggleGroup();
    for (String name : ShellViewModel.SECTIONS) {
      ToggleButton b = new ToggleButton(name);
      b.setId("nav-" + name.toLowerCase(Locale.ROOT));
      b.setMaxWidth(Double.MAX_VALUE);
      b.setToggleGroup(group);
      b.setSelected(name.equals(vm.sectionProperty().get()));
      b.setOnAction(e -> vm.sectionProperty().set(name));
      vm.sectionProperty().addListener((o, a, now) -> b.setSelected(now.equals(name)));
      nav.getChildren().add(b);
    }
    root.setLeft(nav);
    vm.sectionProperty().addListener((obs, old, now) -> root.setCenter(section(now)));
    vm.workspaceProperty()
        .addListener(
            (o, a, b) -> {
              sections.clear();
              root.setCenter(section(vm.sectionProperty().get()));
            });
    root.setCenter(section(vm.sectionProperty().get()));

    Label engine = new Label();
    engine.setId("status-engine");
    engine.textProperty().bind(vm.engineProperty());
    Label memory = new Label();
    memory.setId("status-memory");
    memory.textProperty().bind(vm.memoryProperty());
    Label folder = new Label();
    folder.setId("status");
    folder.textProperty().bind(vm.workspaceProperty().map(w -> w.root().toString()));
    Region spacer = new Region();
    HBox.setHgrow(spacer, Priority.ALWAYS);
    HBox bar = new HBox(16, folder, spacer, gpuOffer(vm), engine, memory);
    bar.setId("status-bar");
    bar.setPadding(new Insets(4, 10, 4, 10));
    root.setBottom(bar);

    Timeline tick = new Timeline(new KeyFrame(Duration.seconds(2), e -> vm.refreshMemory()));
    tick.setCycleCount(Timeline.INDEFINITE);
    tick.play();
  }

  /**
   * "Get CUDA…" in the status bar, shown only when an NVIDIA GPU is here and the engine runs the
   * CPU build: DJL's CUDA libtorch, or a local libtorch or PyTorch folder, for the next start.
   */
  private static javafx.scene.control.MenuButton gpuOffer(ShellViewModel vm) {
    javafx.scene.control.MenuItem cuda =
        new javafx.scene.control.MenuItem("Download DJL's CUDA libtorch at the next start");
    javafx.scene.control.MenuItem local =
        new javafx.scene.control.MenuItem("Use a local libtorch or PyTorch folder…");
    javafx.scene.control.MenuButton offer =
        new javafx.scene.control.MenuButton("Get CUDA…", null, cuda, local);
    offer.setId("gpu-offer");
    offer.visibleProperty().bind(vm.gpuOfferProperty().isNotEmpty());
    offer.managedProperty().bind(offer.visibleProperty());
    offer.setTooltip(new javafx.scene.control.Tooltip());
    offer.getTooltip().textProperty().bind(vm.gpuOfferProperty());
    cuda.setOnAction(e -> tell(() -> vm.chooseCuda()));
    local.setOnAction(
        e -> {
          javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
          chooser.setTitle("libtorch folder, or a Python environment's site-packages/torch");
          java.io.File dir = chooser.showDialog(offer.getScene().getWindow());
          if (dir != null) tell(() -> vm.chooseLocalLibtorch(dir.toPath()));
        });
    return offer;
  }

  private static void tell(java.util.concurrent.Callable<String> choice) {
    javafx.scene.control.Alert alert;
    try {
      alert =
          new javafx.scene.control.Alert(
              javafx.scene.control.Alert.AlertType.INFORMATION, choice.call());
    } catch (Exception ex) {
      alert =
          new javafx.scene.control.Alert(
              javafx.scene.control.Alert.AlertType.ERROR, ex.getMessage());
    }
    alert.setHeaderText(null);
    alert.show();
  }

  /** Open a folder, go back to the sample workspace, or reopen a recent one. */
  private javafx.scene.control.MenuButton workspaceMenu() {
    javafx.scene.control.MenuButton menu = new javafx.scene.control.MenuButton("Workspace");
    menu.setId("workspace-menu");
    menu.setMaxWidth(Double.MAX_VALUE);
    Runnable fill =
        () -> {
          javafx.scene.control.MenuItem open =
              new javafx.scene.control.MenuItem("Open folder…  (Ctrl+O)");
          open.setOnAction(e -> chooseWorkspace());
          javafx.scene.control.MenuItem sample =
              new javafx.scene.control.MenuItem("Sample workspace");
          sample.setId("workspace-sample");
          sample.setOnAction(
              e -> {
                try {
                  vm.openSample();
                } catch (java.io.IOException | RuntimeException ex) {
                  showError("Cannot open the sample workspace: " + ex.getMessage());
                }
              });
          menu.getItems().setAll(open, sample);
          var others =
              vm.recent().stream()
                  .filter(p -> !p.equals(vm.workspaceProperty().get().root()))
                  .toList();
          if (!others.isEmpty()) menu.getItems().add(new javafx.scene.control.SeparatorMenuItem());
          for (java.nio.file.Path p : others) {
            javafx.scene.control.MenuItem item = new javafx.scene.control.MenuItem(p.toString());
            item.setMnemonicParsing(false);
            item.setOnAction(e -> open(p));
            menu.getItems().add(item);
          }
        };
    fill.run();
    menu.setOnShowing(e -> fill.run());
    return menu;
  }

  /** Asks for a folder and opens it as the workspace (Ctrl+O). */
  public void chooseWorkspace() {
    javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
    chooser.setTitle("Open a workspace folder");
    var dir = chooser.showDialog(root.getScene() == null ? null : root.getScene().getWindow());
    if (dir != null) open(dir.toPath());
  }

  private void open(java.nio.file.Path folder) {
    try {
      vm.openWorkspace(folder);
    } catch (RuntimeException e) {
      showError(e.getMessage());
    }
  }

  private static void showError(String message) {
    new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.ERROR, message).show();
  }

  /** The Train view, wired to runs opened or resumed from elsewhere in the studio. */
  private static Parent trainView(ShellViewModel vm, java.util.List<Runnable> onShutdown) {
    // Every core by default, as the CLI does; the Threads box in Train offers fewer.
    int threads = Runtime.getRuntime().availableProcessors();
    TrainViewModel train =
        new TrainViewModel(vm.workspaceProperty().get(), vm.presets(), vm.tasks(), threads);
    train.onDatasetsChanged(vm::datasetsChanged);
    // The devices come from the engine, which may still be starting: offer them once it has said.
    train.offerDevices(vm.trainingDevices());
    vm.trainingDevices()
        .addListener(
            (javafx.collections.ListChangeListener<String>)
                c -> train.offerDevices(vm.trainingDevices()));
    vm.trainingProperty().bind(train.runningProperty());
    vm.resumeRequestProperty()
        .addListener(
            (o, a, run) -> {
              if (run != null) train.resume(run);
            });
    vm.runProperty()
        .addListener(
            (o, a, run) -> {
              if (run != null && vm.resumeRequestProperty().get() == null) train.open(run);
            });
    if (vm.runProperty().get() != null) train.open(vm.runProperty().get());
    onShutdown.add(() -> train.shutdown(60_000));
    return new TrainView(train).root();
  }

  /** Lets running work finish cleanly (a training run saves a checkpoint); call before exiting. */
  public void shutdown() {
    onShutdown.forEach(Runnable::run);
  }

  /** Registers the view of a section; built the first time it is shown. */
  public void register(String name, Supplier<Parent> factory) {
    factories.put(name, factory);
    sections.remove(name);
    if (name.equals(vm.sectionProperty().get())) root.setCenter(section(name));
  }

  private Parent section(String name) {
    return sections.computeIfAbsent(
        name, n -> factories.getOrDefault(n, () -> placeholder(n)).get());
  }

  private static Parent placeholder(String name) {
    Label l = new Label(name);
    l.setId("section-title");
    l.getStyleClass().add("section-title");
    l.setPadding(new Insets(16));
    return l;
  }

  public Parent root() {
    return root;
  }
}
