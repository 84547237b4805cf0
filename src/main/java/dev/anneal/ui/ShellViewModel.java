package dev.anneal.ui;

import dev.anneal.AppEnvironment;
import dev.anneal.engine.EngineInfo;
import dev.anneal.engine.ProcessMemory;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.TaskExecutor;
import dev.anneal.workspace.Workspace;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

/**
 * State of the studio's shell: the open workspace, the section shown, and the status bar (engine
 * and devices found, memory in use).
 */
public final class ShellViewModel {
  /** The sections of the navigation, in order (Ctrl+1 … Ctrl+5). */
  public static final List<String> SECTIONS =
      List.of("Datasets", "Presets", "Train", "Compare", "Runs");

  /** A new user's first goal is a trained model: open on Train, where Start does everything. */
  private final StringProperty section = new SimpleStringProperty("Train");

  private final ObjectProperty<Workspace> workspace = new SimpleObjectProperty<>();
  private final ReadOnlyStringWrapper engine =
      new ReadOnlyStringWrapper("Starting the PyTorch engine…");
  private final ReadOnlyStringWrapper memory = new ReadOnlyStringWrapper("");

  /** An NVIDIA GPU the engine does not use, with what to do about it; empty when none. */
  private final ReadOnlyStringWrapper gpuOffer = new ReadOnlyStringWrapper("");

  /** The run the Train view shows (a run folder), or null for a new run. */
  private final ObjectProperty<java.nio.file.Path> run = new SimpleObjectProperty<>();

  /** A run the user asked to resume from the Runs view; the Train view picks it up. */
  private final ObjectProperty<java.nio.file.Path> resumeRequest = new SimpleObjectProperty<>();

  /**
   * Device kinds the engine can train on, best first (EngineInfo.trainingDevices()); empty until it
   * has started.
   */
  private final javafx.collections.ObservableList<String> trainingDevices =
      javafx.collections.FXCollections.observableArrayList();

  /** Whether a training run is going (bound to the Train view's state). */
  private final javafx.beans.property.BooleanProperty training =
      new javafx.beans.property.SimpleBooleanProperty();

  /** Counts up each time a dataset may have appeared (Train built one). */
  private final javafx.beans.property.IntegerProperty datasetsChanged =
      new javafx.beans.property.SimpleIntegerProperty();

  private final TaskExecutor tasks;

  /**
   * @param tasks runs the studio's background work; the sections' ViewModels get it too
   */
  public ShellViewModel(Workspace initial, TaskExecutor tasks) {
    this.tasks = tasks;
    workspace.set(initial);
    recent.add(initial.root());
    // A run belongs to its workspace: another workspace starts with an empty Train view.
    workspace.addListener(
        (o, a, w) -> {
          resumeRequest.set(null);
          run.set(null);
        });
    refreshMemory();
  }

  /** Workspaces opened before, newest first, the open one included. */
  private final javafx.collections.ObservableList<java.nio.file.Path> recent =
      javafx.collections.FXCollections.observableArrayList();

  /** Opens a folder as the workspace and puts it first in the recent list. */
  public void openWorkspace(java.nio.file.Path folder) {
    Workspace w = Workspace.open(folder);
    remember(w.root());
    workspace.set(w);
  }

  /** Back to the sample workspace of the data folder (unpacked again if it was removed). */
  public void openSample() throws java.io.IOException {
    openWorkspace(dev.anneal.workspace.SampleWorkspace.ensure(AppEnvironment.dataDir()).root());
  }

  /** Puts a workspace first in the recent list, keeping at most {@link StudioSettings#RECENT}. */
  public void remember(java.nio.file.Path root) {
    recent.remove(root);
    recent.addFirst(root);
    if (recent.size() > StudioSettings.RECENT) recent.remove(StudioSettings.RECENT, recent.size());
  }

  public javafx.collections.ObservableList<java.nio.file.Path> recent() {
    return recent;
  }

  public javafx.beans.property.BooleanProperty trainingProperty() {
    return training;
  }

  public javafx.beans.property.ReadOnlyIntegerProperty datasetsChangedProperty() {
    return datasetsChanged;
  }

  /** Tells the views that list datasets to read them again. */
  public void datasetsChanged() {
    datasetsChanged.set(datasetsChanged.get() + 1);
  }

  /**
   * Starts the engine on a background thread and reports what it found in the status bar; the
   * future completes once the status bar shows it.
   */
  public CompletableFuture<EngineInfo> probeEngine() {
    record Probed(EngineInfo info, String offer) {}
    return tasks
        .execute(
            BackgroundTask.of(
                    "engine-probe",
                    ctx -> {
                      EngineInfo info = EngineInfo.probe();
                      dev.anneal.StartupTrace.mark("engine probed");
                      // Asked only when the engine sees no GPU: nvidia-smi takes tens of
                      // milliseconds.
                      String offer =
                          info.gpus() > 0
                              ? ""
                              : dev.anneal.engine.GpuSetup.offer(
                                      info, dev.anneal.engine.NvidiaSmi.name(0))
                                  .orElse("");
                      return new Probed(info, offer);
                    })
                .onSuccess(
                    p -> {
                      gpuOffer.set(p.offer());
                      showEngine(p.info());
                    })
                .onFailure(m -> engine.set("The PyTorch engine did not start: " + m)))
        .thenApply(Probed::info);
  }

  /** What runs the studio's background work. */
  public TaskExecutor tasks() {
    return tasks;
  }

  /**
   * Shows what the engine found, and why a chosen CUDA or local libtorch is not in use; FX thread.
   */
  public void showEngine(EngineInfo info) {
    var plan = AppEnvironment.enginePlan();
    String mismatch =
        dev.anneal.engine.GpuSetup.explainJniMismatch(
            info.error(),
            plan.properties().getOrDefault("PYTORCH_LIBRARY_PATH", "the bundled folder"),
            dev.anneal.engine.NativeLayout.bundled(AppEnvironment.engineCacheDir()).torchVersion());
    String summary = mismatch != null ? mismatch : info.summary();
    String notice = plan.notice();
    engine.set(notice == null ? summary : summary + " · " + notice);
    trainingDevices.setAll(info.trainingDevices());
  }

  public javafx.collections.ObservableList<String> trainingDevices() {
    return trainingDevices;
  }

  /** Chooses DJL's CUDA libtorch for the next start; returns the line to show. */
  public String chooseCuda() throws java.io.IOException {
    return dev.anneal.engine.GpuSetup.chooseCuda(AppEnvironment.dataDir());
  }

  /** Chooses a local libtorch or PyTorch folder for the next start; returns the line to show. */
  public String chooseLocalLibtorch(java.nio.file.Path folder) throws java.io.IOException {
    return dev.anneal.engine.GpuSetup.chooseLocal(AppEnvironment.dataDir(), folder);
  }

  public ReadOnlyStringProperty gpuOfferProperty() {
    return gpuOffer.getReadOnlyProperty();
  }

  /** Reads the process's resident memory; the view calls this every couple of seconds. */
  public void refreshMemory() {
    memory.set(String.format(Locale.ROOT, "Memory %.0f MB", ProcessMemory.residentBytes() / 1e6));
  }

  /** Presets of the open workspace, then of the data folder, then built in. */
  public PresetRegistry presets() {
    return new PresetRegistry(
        List.of(AppEnvironment.userPresetsDir(), workspace.get().presetsDir()));
  }

  /** Shows a run in the Train view. */
  public void openRun(java.nio.file.Path runDir) {
    run.set(runDir);
    section.set("Train");
  }

  /** Asks the Train view to resume a run. */
  public void resumeRun(java.nio.file.Path runDir) {
    run.set(runDir);
    resumeRequest.set(null);
    resumeRequest.set(runDir);
    section.set("Train");
  }

  public ObjectProperty<java.nio.file.Path> runProperty() {
    return run;
  }

  public ObjectProperty<java.nio.file.Path> resumeRequestProperty() {
    return resumeRequest;
  }

  public StringProperty sectionProperty() {
    return section;
  }

  public ObjectProperty<Workspace> workspaceProperty() {
    return workspace;
  }

  public ReadOnlyStringProperty engineProperty() {
    return engine.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty memoryProperty() {
    return memory.getReadOnlyProperty();
  }
}
