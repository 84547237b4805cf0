package dev.anneal.ui.runs;

import dev.anneal.export.gguf.GgufType;
import dev.anneal.io.AtomicFiles;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.TaskExecutor;
import dev.anneal.workspace.Workspace;
import java.awt.Desktop;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State and commands of the Runs view: the workspace's runs (re-read off the FX thread when a run
 * folder changes, polled every few seconds while the view is shown), and open, resume, delete, open
 * folder and export of the selected run. Properties change on the FX thread only.
 */
public final class RunsViewModel {
  /** A run whose metrics changed this recently is taken to be training: it is not deleted. */
  static final Duration LIVE = Duration.ofSeconds(60);

  private final Workspace workspace;
  private final Consumer<Path> openRun;
  private final Consumer<Path> resumeRun;
  private final TaskExecutor tasks;
  private final ObservableList<RunSummary> runs = FXCollections.observableArrayList();
  private final ObjectProperty<RunSummary> selected = new SimpleObjectProperty<>();
  private final StringProperty message = new SimpleStringProperty("");
  private final ObjectProperty<GgufType> ggufType = new SimpleObjectProperty<>(GgufType.Q8_0);
  private final BooleanProperty ollama = new SimpleBooleanProperty(true);
  private final ObjectProperty<dev.anneal.runs.RunComparison> comparison =
      new SimpleObjectProperty<>();
  private final Object scanning = new Object();
  private volatile RunScan.Fingerprint seen;
  private TaskExecutor.Repeating polling;

  /**
   * @param tasks runs scans, deletes and exports off the FX thread
   * @param openRun shows a run in the Train view (the shell's openRun)
   * @param resumeRun resumes a run in the Train view (the shell's resumeRun)
   */
  public RunsViewModel(
      Workspace workspace, TaskExecutor tasks, Consumer<Path> openRun, Consumer<Path> resumeRun) {
    this.workspace = workspace;
    this.tasks = tasks;
    this.openRun = openRun;
    this.resumeRun = resumeRun;
  }

  /** Re-reads every run off the FX thread; the table changes when they did. */
  public CompletableFuture<List<RunSummary>> refresh() {
    return tasks.execute(
        BackgroundTask.of("runs-scan", ctx -> scanIfChanged())
            .onSuccess(
                list -> {
                  if (list != null) show(list);
                })
            .onFailure(m -> message.set("Cannot read the runs: " + m)));
  }

  /** The runs, newest first, when the folder changed since the last scan; else null. */
  private List<RunSummary> scanIfChanged() {
    // A poll and a Refresh may overlap: one scan at a time, so that an older list never lands last.
    synchronized (scanning) {
      RunScan.Fingerprint now = RunScan.fingerprint(workspace.runsDir());
      if (now.equals(seen)) return null;
      seen = now;
      return RunScan.read(workspace.runsDir());
    }
  }

  private void show(List<RunSummary> list) {
    Path keep = selected.get() == null ? null : selected.get().dir();
    runs.setAll(list);
    selected.set(list.stream().filter(r -> r.dir().equals(keep)).findFirst().orElse(null));
  }

  /** Polls the runs folder every {@code period} until {@link #stopPolling()}. */
  public synchronized void startPolling(Duration period) {
    if (polling != null) return;
    polling = tasks.every(period, this::refresh);
  }

  public synchronized void stopPolling() {
    if (polling != null) polling.stop();
    polling = null;
  }

  public void open(RunSummary run) {
    openRun.accept(run.dir());
  }

  /** Resumes a run that stopped short of its steps; says why not otherwise. */
  public boolean resume(RunSummary run) {
    if (!run.resumable()) {
      message.set(
          run.name()
              + " cannot be resumed: "
              + (run.status().equals("completed") || run.step() >= run.steps()
                  ? "it completed its steps"
                  : "it has no checkpoint"));
      return false;
    }
    resumeRun.accept(run.dir());
    return true;
  }

  /** Why a run must not be deleted now, or null: a trainer is still writing it. */
  public String deleteBlocker(RunSummary run) {
    if (!run.status().equals("running")) return null;
    try {
      Path metrics = run.dir().resolve(MetricsLog.METRICS_FILE);
      Instant changed =
          Files.getLastModifiedTime(Files.exists(metrics) ? metrics : run.dir()).toInstant();
      if (changed.isAfter(Instant.now().minus(LIVE))) {
        return run.name() + " is training (its metrics changed in the last minute): stop it first";
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** Deletes a run folder (the view asks for confirmation first). */
  public CompletableFuture<Void> delete(RunSummary run) {
    String blocker = deleteBlocker(run);
    if (blocker != null) {
      message.set(blocker);
      return CompletableFuture.failedFuture(new IllegalStateException(blocker));
    }
    return work(() -> {
          AtomicFiles.deleteRecursively(run.dir());
          return "Deleted " + run.name();
        })
        .thenCompose(m -> refresh().thenApply(x -> null));
  }

  /** Opens the run folder in the desktop's file manager, or shows its path where there is none. */
  public CompletableFuture<Void> openFolder(RunSummary run) {
    boolean desktop =
        Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.OPEN);
    if (!desktop) {
      message.set("Folder: " + run.dir());
      return CompletableFuture.completedFuture(null);
    }
    return work(() -> {
          Desktop.getDesktop().open(run.dir().toFile());
          return "Opened " + run.dir();
        })
        .thenApply(m -> null);
  }

  /** Exports the run's model (best, else newest checkpoint) as an HF folder or PEFT adapter. */
  public CompletableFuture<RunExport.Written> exportModel(RunSummary run, Path out) {
    return export(() -> RunExport.model(run.dir(), out));
  }

  /** Exports the run's model as a GGUF file of the chosen type, with a Modelfile when asked. */
  public CompletableFuture<RunExport.Written> exportGguf(RunSummary run, Path out) {
    GgufType type = ggufType.get();
    boolean withModelfile = ollama.get();
    return export(() -> RunExport.gguf(run.dir(), out, type, withModelfile));
  }

  /** The storage type of a GGUF export. */
  public ObjectProperty<GgufType> ggufTypeProperty() {
    return ggufType;
  }

  /** Whether a GGUF export also writes an Ollama Modelfile. */
  public BooleanProperty ollamaProperty() {
    return ollama;
  }

  /** Exports a DeepSpeed launch bundle of a cluster preset's run. */
  public CompletableFuture<RunExport.Written> exportBundle(RunSummary run, Path out) {
    return export(() -> RunExport.deepSpeed(run.dir(), out));
  }

  private interface Job<T> {
    T run() throws IOException;
  }

  private CompletableFuture<RunExport.Written> export(Job<RunExport.Written> job) {
    message.set("Exporting …");
    return tasks.execute(
        BackgroundTask.of("runs-export", ctx -> job.run())
            .onSuccess(
                w ->
                    message.set(
                        "Wrote " + w.kind() + " " + w.dir() + " from " + w.from().getFileName()))
            .onFailure(m -> message.set("Export failed: " + m)));
  }

  /** Runs a job off the FX thread and shows its message, or its failure, when it ends. */
  private CompletableFuture<String> work(Job<String> job) {
    return tasks.execute(
        BackgroundTask.of("runs-job", ctx -> job.run())
            .onSuccess(message::set)
            .onFailure(m -> message.set("Failed: " + m)));
  }

  public ObservableList<RunSummary> runs() {
    return runs;
  }

  public ObjectProperty<RunSummary> selectedProperty() {
    return selected;
  }

  /**
   * Reads two or more runs off the FX thread and shows them side by side ({@link
   * #comparisonProperty()}); a run that cannot be read says so in the message.
   */
  public CompletableFuture<dev.anneal.runs.RunComparison> compare(List<RunSummary> chosen) {
    List<Path> dirs = chosen.stream().map(RunSummary::dir).toList();
    return tasks.execute(
        BackgroundTask.of("runs-compare", ctx -> dev.anneal.runs.RunComparison.of(dirs))
            .onSuccess(
                c -> {
                  comparison.set(c);
                  message.set("Comparing " + c.runs().size() + " runs");
                })
            .onFailure(m -> message.set("Cannot compare: " + m)));
  }

  /** The runs being compared, or null. */
  public ObjectProperty<dev.anneal.runs.RunComparison> comparisonProperty() {
    return comparison;
  }

  public StringProperty messageProperty() {
    return message;
  }
}
