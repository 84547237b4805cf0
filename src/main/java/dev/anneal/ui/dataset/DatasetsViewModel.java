package dev.anneal.ui.dataset;

import dev.anneal.data.DatasetPipeline;
import dev.anneal.data.DatasetRequest;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.TaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and commands of the Datasets view: the form ({@link DatasetSettings}), Build and Cancel as
 * a background task with coalesced progress, the workspace's datasets, and the one opened for the
 * preview, charts and skipped files. Properties change on the FX thread only.
 */
public final class DatasetsViewModel {
  private final Workspace workspace;
  private final DatasetSettings settings;
  private final TaskExecutor tasks;
  private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
  private final DoubleProperty progress = new SimpleDoubleProperty(0);
  private final StringProperty stage = new SimpleStringProperty("");
  private final StringProperty counts = new SimpleStringProperty("");
  private final StringProperty message = new SimpleStringProperty("");
  private final ObservableList<DatasetFolder.Entry> datasets = FXCollections.observableArrayList();
  private final ObjectProperty<DatasetFolder> opened = new SimpleObjectProperty<>();
  private final Map<String, Long> liveCounts = new TreeMap<>();

  /** The build running, or null. */
  private BackgroundTask<Built> build;

  /**
   * @param tasks runs builds, listings and reads off the FX thread
   */
  public DatasetsViewModel(Workspace workspace, TaskExecutor tasks) {
    this.workspace = workspace;
    this.tasks = tasks;
    settings = new DatasetSettings(workspace.datasetsDir(), defaultSources(workspace));
  }

  /**
   * What the form offers to build from: the workspace's listed sources, else its corpus folder,
   * else the opened folder itself (a repository opened as a workspace is its own source).
   */
  static List<Path> defaultSources(Workspace workspace) {
    if (!workspace.sources().isEmpty()) return workspace.sources();
    Path corpus = workspace.root().resolve("corpus");
    return List.of(Files.isDirectory(corpus) ? corpus : workspace.root());
  }

  /** Builds the dataset the settings describe; completes on the FX thread once shown. */
  public CompletableFuture<DatasetPipeline.Result> build() {
    settings.validate();
    if (running.get())
      return CompletableFuture.failedFuture(new IllegalStateException("a build is running"));
    if (!settings.problems().isEmpty()) {
      message.set("Cannot build: " + settings.problems().getFirst());
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(settings.problems().getFirst()));
    }
    DatasetRequest request = settings.request(threads);
    running.set(true);
    progress.set(0);
    liveCounts.clear();
    counts.set("");
    message.set("Building " + request.out().getFileName() + " …");
    long t0 = System.nanoTime();
    BackgroundTask<Built> task =
        BackgroundTask.of(
                "dataset-build",
                ctx -> {
                  DatasetPipeline.Result r =
                      new DatasetPipeline(
                              ctx.<DatasetPipeline.Overall>latest(this::show)::accept,
                              ctx.cancellation(),
                              threads)
                          .run(request);
                  return new Built(
                      r, DatasetFolder.read(r.dir()), DatasetFolder.list(workspace.datasetsDir()));
                })
            .onSuccess(
                b -> {
                  DatasetPipeline.Result r = b.result();
                  finished(
                      String.format(
                          Locale.ROOT,
                          "Built %s: %,d samples, %,d train + %,d val tokens (vocab %d) in %.1f s",
                          r.dir().getFileName(),
                          r.stats().samples(),
                          r.prepared().trainTokens(),
                          r.prepared().valTokens(),
                          r.prepared().vocabSize(),
                          (System.nanoTime() - t0) / 1e9));
                  progress.set(1);
                  datasets.setAll(b.datasets());
                  opened.set(b.folder());
                })
            .onCancelled(
                () ->
                    finished(
                        "Cancelled: the steps finished before it were kept in "
                            + request.out().getFileName()
                            + "; the step under way left nothing half-written"))
            .onFailure(m -> finished("Build failed: " + m));
    build = task;
    return tasks.execute(task).thenApply(Built::result);
  }

  /** What a build hands to the FX thread: the result, the folder read back, the datasets now. */
  private record Built(
      DatasetPipeline.Result result, DatasetFolder folder, List<DatasetFolder.Entry> datasets) {}

  /** Asks the running build to stop at its next check. */
  public void cancel() {
    BackgroundTask<Built> b = build;
    if (b != null && running.get()) {
      b.cancel();
      message.set("Cancelling …");
    }
  }

  private void finished(String text) {
    running.set(false);
    build = null;
    message.set(text);
  }

  private void show(DatasetPipeline.Overall o) {
    if (!running.get()) return; // a late update after the end
    progress.set(o.fraction());
    stage.set(o.stepName() + " · " + o.detail().stage());
    // Extract threads report out of order: within the run a count only grows, until the totals.
    if (o.detail().stage().equals("done")) liveCounts.putAll(o.detail().counts());
    else o.detail().counts().forEach((k, v) -> liveCounts.merge(k, v, Math::max));
    StringBuilder sb = new StringBuilder();
    liveCounts.forEach(
        (k, v) ->
            sb.append(sb.isEmpty() ? "" : " · ")
                .append(k)
                .append(' ')
                .append(String.format(Locale.ROOT, "%,d", v)));
    counts.set(sb.toString());
  }

  /** Re-reads the workspace's datasets off the FX thread. */
  public CompletableFuture<List<DatasetFolder.Entry>> refresh() {
    return tasks.execute(
        BackgroundTask.of("dataset-list", ctx -> DatasetFolder.list(workspace.datasetsDir()))
            .onSuccess(datasets::setAll)
            .onFailure(m -> message.set("Cannot list datasets: " + m)));
  }

  /** Reads a dataset folder off the FX thread and shows it. */
  public CompletableFuture<DatasetFolder> open(Path dir) {
    return tasks.execute(
        BackgroundTask.of("dataset-open", ctx -> DatasetFolder.read(dir))
            .onSuccess(
                f -> {
                  opened.set(f);
                  message.set(
                      "Opened " + dir.getFileName() + (f.meta() == null ? " (not prepared)" : ""));
                })
            .onFailure(m -> message.set("Cannot open " + dir.getFileName() + ": " + m)));
  }

  public Workspace workspace() {
    return workspace;
  }

  public DatasetSettings settings() {
    return settings;
  }

  public ReadOnlyBooleanProperty runningProperty() {
    return running.getReadOnlyProperty();
  }

  public DoubleProperty progressProperty() {
    return progress;
  }

  public StringProperty stageProperty() {
    return stage;
  }

  public StringProperty countsProperty() {
    return counts;
  }

  public StringProperty messageProperty() {
    return message;
  }

  public ObservableList<DatasetFolder.Entry> datasets() {
    return datasets;
  }

  public ObjectProperty<DatasetFolder> openedProperty() {
    return opened;
  }
}
