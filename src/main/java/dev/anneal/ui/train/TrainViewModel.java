package dev.anneal.ui.train;

import dev.anneal.data.DatasetPipeline;
import dev.anneal.metrics.Durations;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.RunEvent;
import dev.anneal.metrics.RunFollower;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetEntry;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.runs.Resume;
import dev.anneal.train.TrainOptions;
import dev.anneal.train.TrainResult;
import dev.anneal.train.Trainer;
import dev.anneal.train.TrainerControl;
import dev.anneal.train.TrainingListener;
import dev.anneal.ui.fx.Batched;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.TaskContext;
import dev.anneal.ui.task.TaskExecutor;
import dev.anneal.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and commands of the Train view: which preset and dataset, start / pause / stop / cancel /
 * resume, and the live figures and charts of the run. Training runs as a long task on the studio's
 * {@link TaskExecutor}; its listener hands metrics to the FX thread in batches ({@link Batched}),
 * at most one hand-off pending at a time. Opening a finished or external run (a DeepSpeed bundle,
 * an HF Trainer folder) follows its files with the same charts.
 */
public final class TrainViewModel {
  private final Workspace workspace;
  private final PresetRegistry registry;
  private final TaskExecutor tasks;
  private final Executor fx;
  private final ObservableList<String> presets = FXCollections.observableArrayList();
  private final ObservableList<Path> datasets = FXCollections.observableArrayList();
  private final StringProperty preset = new SimpleStringProperty();
  private final ObjectProperty<Path> dataset = new SimpleObjectProperty<>();
  private final StringProperty status = new SimpleStringProperty("Ready");
  private final BooleanProperty running = new SimpleBooleanProperty();
  private final BooleanProperty paused = new SimpleBooleanProperty();
  private final DoubleProperty progress = new SimpleDoubleProperty();
  private final ObjectProperty<Path> runDir = new SimpleObjectProperty<>();
  private final RunCharts charts = new RunCharts();
  private final IntegerProperty threads = new SimpleIntegerProperty();

  /** Device kinds this engine can train on, best first; the CPU until the engine has said. */
  private final ObservableList<String> devices = FXCollections.observableArrayList("cpu");

  private final StringProperty device = new SimpleStringProperty("cpu");

  /** The run shown can continue from a checkpoint: it stopped, was cancelled or crashed. */
  private final BooleanProperty resumable = new SimpleBooleanProperty();

  private volatile TrainerControl control;

  /** The run going, or the last one; read by the shutdown hook's thread. */
  private volatile BackgroundTask<TrainResult> task;

  private RunFollower follower;
  private Runnable onDatasetsChanged = () -> {};

  /**
   * @param tasks runs the training (a long task) and hands its updates to the UI thread
   * @param threads CPU threads for training at first (the view offers a choice)
   */
  public TrainViewModel(
      Workspace workspace, PresetRegistry registry, TaskExecutor tasks, int threads) {
    this.workspace = workspace;
    this.registry = registry;
    this.tasks = tasks;
    this.fx = tasks.ui();
    this.threads.set(threads);
    presets.setAll(
        registry.list().stream().filter(PresetEntry::isValid).map(PresetEntry::name).toList());
    preset.set(
        presets.contains(workspace.defaultPreset())
            ? workspace.defaultPreset()
            : presets.isEmpty() ? null : presets.getFirst());
    refreshDatasets();
  }

  /**
   * The devices the engine found ({@code EngineInfo.trainingDevices()}, best first): the picker
   * offers them and a run trains on the best unless another is chosen.
   */
  public void offerDevices(List<String> kinds) {
    if (kinds.isEmpty()) return;
    devices.setAll(kinds);
    device.set(kinds.getFirst());
  }

  /** Prepared datasets of the workspace, newest first. */
  public void refreshDatasets() {
    try (Stream<Path> s =
        Files.isDirectory(workspace.datasetsDir())
            ? Files.list(workspace.datasetsDir())
            : Stream.empty()) {
      datasets.setAll(s.filter(DatasetPipeline::isPrepared).sorted().toList());
    } catch (IOException e) {
      datasets.clear();
    }
    if (dataset.get() == null || !datasets.contains(dataset.get())) {
      dataset.set(datasets.isEmpty() ? null : datasets.getFirst());
    }
  }

  /** Starts a new run; builds the sample dataset first when the workspace has none. */
  public void start() {
    if (running.get()) return;
    Preset p = registry.resolve(preset.get());
    startWorker(p, null);
  }

  /** Continues a run from its newest checkpoint. */
  public void resume(Path run) {
    if (running.get()) return;
    startWorker(null, run);
  }

  /** Continues the run shown (after Stop, or one opened from Runs). */
  public void resume() {
    if (runDir.get() != null && resumable.get()) resume(runDir.get());
  }

  private void startWorker(Preset p, Path resume) {
    stopFollowing();
    charts.clear();
    TrainerControl c = new TrainerControl();
    control = c;
    running.set(true);
    resumable.set(false);
    paused.set(false);
    progress.set(0);
    String kind = device.get();
    BackgroundTask<TrainResult> t =
        BackgroundTask.of("trainer", ctx -> train(ctx, c, p, resume, kind))
            .onSuccess(
                r -> {
                  runDir.set(r.runDir());
                  status.set(
                      capitalise(r.status())
                          + " at step "
                          + r.state().step()
                          + " · "
                          + r.runDir().getFileName());
                })
            .onCancelled(() -> status.set("Cancelled"))
            .onFailure(
                m -> {
                  status.set("Failed: " + m);
                  charts.addLog(List.of("error: " + m));
                })
            .onFinished(
                () -> {
                  running.set(false);
                  paused.set(false);
                  // Speed and time left describe a run in progress: blank once it ends.
                  charts.endLive();
                  refreshDatasets();
                  resumable.set(Resume.possible(runDir.get()));
                  onDatasetsChanged.run();
                });
    task = t;
    tasks.execute(t);
  }

  /**
   * The run itself, on a worker: builds the sample dataset when needed, then trains, handing
   * metrics, events and log lines to the FX thread in batches and status and progress as the newest
   * value.
   */
  private TrainResult train(
      TaskContext ctx, TrainerControl control, Preset p, Path resume, String kind)
      throws Exception {
    Consumer<Runnable> ui = ctx.batched(batch -> batch.forEach(Runnable::run));
    Consumer<String> statusLine = ctx.latest(status::set);
    Consumer<Double> progressValue = ctx.latest(progress::set);
    Consumer<Double> eta = ctx.latest(charts.etaProperty()::set);
    Consumer<MetricPoint> points = ctx.batched(charts::addPoints);
    Consumer<RunEvent> events = ctx.batched(charts::addEvents);
    Consumer<String> logs = ctx.batched(charts::addLog);
    Resume continued = resume != null ? Resume.of(resume, null) : null;
    Path data =
        continued != null
            ? continued.dataset()
            : dataset.get() != null
                ? dataset.get()
                : SampleDataset.ensure(
                    workspace, p, threads.get(), statusLine, progressValue, ctx.cancellation());
    Preset preset = continued != null ? continued.preset() : p;
    if (continued != null) charts.history(resume, fx);
    TrainOptions options =
        new TrainOptions(data, workspace.runsDir(), resume, null, null, threads.get(), 8, kind);
    statusLine.accept(
        resume != null ? "Resuming " + resume.getFileName() : "Starting " + preset.name());
    TrainingListener listener =
        new RunListener(
            points,
            events,
            dir -> ui.accept(() -> runDir.set(dir)),
            (step, steps, etaSeconds) -> {
              progressValue.accept((double) step / steps);
              eta.accept(etaSeconds);
              statusLine.accept(
                  String.format(
                      "Training · step %,d of %,d%s",
                      step,
                      steps,
                      etaSeconds < 0 ? "" : " · " + Durations.of(etaSeconds) + " left"));
            },
            logs);
    return new Trainer(preset, options, listener, control).run();
  }

  /** Shows a run's history and, when it is still growing (another process), follows it. */
  public void open(Path run) {
    if (running.get()) return;
    stopFollowing();
    charts.clear();
    runDir.set(run);
    resumable.set(Resume.possible(run));
    try {
      follower = new RunFollower(run);
      Batched<RunFollower.Update> updates =
          new Batched<>(
              batch ->
                  batch.forEach(
                      u -> {
                        charts.addPoints(u.points());
                        charts.addEvents(u.events());
                      }),
              fx);
      follower.start(updates::submit, Duration.ofSeconds(2));
      status.set("Following " + run.getFileName());
    } catch (RuntimeException e) {
      status.set("Cannot open " + run + ": " + e.getMessage());
    }
  }

  /** Called on the FX thread after a run ends (a dataset may have been built for it). */
  public void onDatasetsChanged(Runnable r) {
    onDatasetsChanged = r;
  }

  private void stopFollowing() {
    if (follower != null) follower.close();
    follower = null;
  }

  public void pause() {
    if (control != null && running.get()) {
      control.pause();
      paused.set(true);
      status.set("Paused");
    }
  }

  public void resumePaused() {
    if (control != null && paused.get()) {
      control.resume();
      paused.set(false);
    }
  }

  /**
   * For closing the studio: asks a running trainer to checkpoint and stop, and waits for it (at
   * most {@code millis}). The JVM must not exit under a training step: libtorch's teardown then
   * races the step on its worker thread and crashes the process.
   */
  public void shutdown(long millis) {
    stopFollowing();
    BackgroundTask<TrainResult> t = task;
    try {
      if (t == null || t.awaitWorkEnd(Duration.ZERO)) return;
      cancelBuildOrStop();
      t.awaitWorkEnd(Duration.ofMillis(millis));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void cancelBuildOrStop() {
    if (task != null) task.cancel();
    if (control != null) control.stop();
  }

  /** Checkpoint, then stop. */
  public void stop() {
    if (control != null && running.get()) {
      control.stop();
      status.set("Stopping after this step (saving a checkpoint)…");
    }
  }

  /** Stop at once without a checkpoint; also cancels a dataset build. */
  public void cancel() {
    if (task != null) task.cancel();
    if (control != null) control.cancel();
  }

  private static String capitalise(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  public ObservableList<String> presets() {
    return presets;
  }

  public ObservableList<Path> datasets() {
    return datasets;
  }

  public StringProperty presetProperty() {
    return preset;
  }

  public ObjectProperty<Path> datasetProperty() {
    return dataset;
  }

  public StringProperty statusProperty() {
    return status;
  }

  public BooleanProperty runningProperty() {
    return running;
  }

  public IntegerProperty threadsProperty() {
    return threads;
  }

  public ObservableList<String> devices() {
    return devices;
  }

  /** The device kind the next run trains on: {@code cpu}, {@code cuda} or {@code mps}. */
  public StringProperty deviceProperty() {
    return device;
  }

  public BooleanProperty resumableProperty() {
    return resumable;
  }

  public BooleanProperty pausedProperty() {
    return paused;
  }

  public DoubleProperty progressProperty() {
    return progress;
  }

  public ObjectProperty<Path> runDirProperty() {
    return runDir;
  }

  public RunCharts charts() {
    return charts;
  }

  /** The presets the picker offers (kept for tests). */
  List<String> presetNames() {
    return List.copyOf(presets);
  }
}
