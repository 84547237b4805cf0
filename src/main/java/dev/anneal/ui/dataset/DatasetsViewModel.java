package dev.anneal.ui.dataset;

import dev.anneal.data.DatasetPipeline;
import dev.anneal.data.DatasetRequest;

import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import dev.anneal.task.Workers;
import dev.anneal.ui.fx.Latest;
import dev.anneal.workspace.Workspace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import javafx.application.Platform;
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
 * State and commands of the Datasets view: the form ({@link DatasetSettings}), Build and Cancel
 * on a worker thread with coalesced progress, the workspace's datasets, and the one opened for
 * the preview, charts and skipped files. Properties change on the FX thread only.
 */
public final class DatasetsViewModel {
  private final Workspace workspace;
  private final DatasetSettings settings;
  private final ExecutorService worker = Workers.pool(1, "anneal-dataset");
  private final int threads = Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper();
  private final DoubleProperty progress = new SimpleDoubleProperty(0);
  private final StringProperty stage = new SimpleStringProperty("");
  private final StringProperty counts = new SimpleStringProperty("");
  private final StringProperty message = new SimpleStringProperty("");
  private final ObservableList<DatasetFolder.Entry> datasets = FXCollections.observableArrayList();
  private final ObjectProperty<DatasetFolder> opened = new SimpleObjectProperty<>();
  private final Latest<DatasetPipeline.Overall> progressToFx = new Latest<>(this::show);
  private final Map<String, Long> liveCounts = new TreeMap<>();
  private volatile Cancellation cancellation;

  public DatasetsViewModel(Workspace workspace) {
    this.workspace = workspace;
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
    if (running.get()) return CompletableFuture.failedFuture(new IllegalStateException("a build is running"));
    if (!settings.problems().isEmpty()) {
      message.set("Cannot build: " + settings.problems().getFirst());
      return CompletableFuture.failedFuture(new IllegalArgumentException(settings.problems().getFirst()));
    }
    DatasetRequest request = settings.request(threads);
    Cancellation cancel = new Cancellation();
    cancellation = cancel;
    running.set(true);
    progress.set(0);
    liveCounts.clear();
    counts.set("");
    message.set("Building " + request.out().getFileName() + " …");
    CompletableFuture<DatasetPipeline.Result> done = new CompletableFuture<>();
    long t0 = System.nanoTime();
    worker.execute(() -> {
      try {
        DatasetPipeline.Result r = new DatasetPipeline(progressToFx::submit, cancel, threads).run(request);
        DatasetFolder folder = DatasetFolder.read(r.dir());
        List<DatasetFolder.Entry> list = DatasetFolder.list(workspace.datasetsDir());
        Platform.runLater(() -> {
          finished(String.format(Locale.ROOT, "Built %s: %,d samples, %,d train + %,d val tokens (vocab %d) in %.1f s",
              r.dir().getFileName(), r.stats().samples(), r.prepared().trainTokens(),
              r.prepared().valTokens(), r.prepared().vocabSize(), (System.nanoTime() - t0) / 1e9));
          progress.set(1);
          datasets.setAll(list);
          opened.set(folder);
          done.complete(r);
        });
      } catch (CancelledException e) {
        Platform.runLater(() -> {
          finished("Cancelled: the steps finished before it were kept in " + request.out().getFileName()
              + "; the step under way left nothing half-written");
          done.completeExceptionally(e);
        });
      } catch (IOException | RuntimeException e) {
        Platform.runLater(() -> {
          finished("Build failed: " + e.getMessage());
          done.completeExceptionally(e);
        });
      }
    });
    return done;
  }

  /** Asks the running build to stop at its next check. */
  public void cancel() {
    Cancellation c = cancellation;
    if (c != null && running.get()) {
      c.cancel();
      message.set("Cancelling …");
    }
  }

  private void finished(String text) {
    running.set(false);
    cancellation = null;
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
    liveCounts.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " · ").append(k).append(' ')
        .append(String.format(Locale.ROOT, "%,d", v)));
    counts.set(sb.toString());
  }

  /** Re-reads the workspace's datasets off the FX thread. */
  public CompletableFuture<List<DatasetFolder.Entry>> refresh() {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return DatasetFolder.list(workspace.datasetsDir());
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, worker).whenComplete((list, e) -> Platform.runLater(() -> {
      if (list != null) datasets.setAll(list);
      else message.set("Cannot list datasets: " + e.getCause().getMessage());
    }));
  }

  /** Reads a dataset folder off the FX thread and shows it. */
  public CompletableFuture<DatasetFolder> open(Path dir) {
    CompletableFuture<DatasetFolder> done = new CompletableFuture<>();
    worker.execute(() -> {
      try {
        DatasetFolder f = DatasetFolder.read(dir);
        Platform.runLater(() -> {
          opened.set(f);
          message.set("Opened " + dir.getFileName() + (f.meta() == null ? " (not prepared)" : ""));
          done.complete(f);
        });
      } catch (IOException | RuntimeException e) {
        Platform.runLater(() -> {
          message.set("Cannot open " + dir.getFileName() + ": " + e.getMessage());
          done.completeExceptionally(e);
        });
      }
    });
    return done;
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
