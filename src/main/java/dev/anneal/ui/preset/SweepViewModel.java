package dev.anneal.ui.preset;

import dev.anneal.metrics.Durations;
import dev.anneal.preset.Preset;
import dev.anneal.sweep.Sweep;
import dev.anneal.sweep.SweepGrid;
import dev.anneal.sweep.SweepListener;
import dev.anneal.sweep.SweepRun;
import dev.anneal.sweep.SweepState;
import dev.anneal.train.TrainerControl;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.TaskContext;
import dev.anneal.ui.task.TaskExecutor;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * A sweep started from Presets: the preset being edited, a prepared dataset, a grid written as
 * {@code lr=1e-3,3e-3; micro_batch=8,16} and optional steps. It runs as a long task, its runs land
 * in the workspace's runs (so Runs lists and compares them) and its state in {@code
 * sweeps/PRESET/}; starting the same sweep again resumes it. Properties change on the UI thread.
 */
public final class SweepViewModel {
  private final Workspace workspace;
  private final Supplier<Preset> preset;
  private final TaskExecutor tasks;
  private final ObjectProperty<Path> dataset = new SimpleObjectProperty<>();
  private final StringProperty grid = new SimpleStringProperty("lr=1e-3,3e-3");
  private final ObjectProperty<Integer> steps = new SimpleObjectProperty<>();
  private final BooleanProperty running = new SimpleBooleanProperty();
  private final DoubleProperty progress = new SimpleDoubleProperty();
  private final StringProperty message = new SimpleStringProperty("");
  private final ObservableList<SweepRun> results = FXCollections.observableArrayList();
  private volatile Sweep sweep;

  /**
   * @param preset the preset to sweep (the one being edited)
   * @param tasks runs the sweep (a long task) and hands its progress to the UI thread
   */
  public SweepViewModel(Workspace workspace, Supplier<Preset> preset, TaskExecutor tasks) {
    this.workspace = workspace;
    this.preset = preset;
    this.tasks = tasks;
  }

  /**
   * Plans (or picks up) the sweep and runs it off the FX thread; false with a message when it
   * cannot.
   */
  public boolean start() {
    if (running.get()) return false;
    Preset p = preset.get();
    try {
      if (p == null) throw new IllegalArgumentException("pick a valid preset first");
      if (dataset.get() == null) throw new IllegalArgumentException("pick a prepared dataset");
      Integer n = steps.get();
      if (n != null && n < 1)
        throw new IllegalArgumentException("steps must be 1 or more, got " + n);
      List<String> axes =
          Arrays.stream(grid.get().split("[;\\n]"))
              .map(String::strip)
              .filter(s -> !s.isEmpty())
              .toList();
      Sweep s =
          new Sweep(
              workspace.root().resolve("sweeps").resolve(p.name()),
              workspace.runsDir(),
              p,
              dataset.get(),
              n,
              SweepGrid.parse(axes),
              0,
              new TrainerControl());
      sweep = s;
      long done = s.state().runs().stream().filter(SweepRun::done).count();
      int total = s.state().runs().size();
      message.set(
          String.format(
              Locale.ROOT,
              "%d runs%s, about %s of training (estimated before starting)",
              total,
              done > 0 ? " (" + done + " done, resuming)" : "",
              Durations.of(s.estimatedSeconds())));
      results.setAll(Sweep.ranked(s.state()));
      progress.set(total == 0 ? 0 : (double) done / total);
      running.set(true);
      String planned = message.get();
      tasks.execute(
          BackgroundTask.of("sweep", ctx -> run(ctx, s, total))
              .onSuccess(
                  st -> {
                    boolean complete = st.runs().stream().allMatch(SweepRun::done);
                    results.setAll(Sweep.ranked(st));
                    if (complete) progress.set(1.0);
                    message.set(
                        complete
                            ? "Sweep completed: " + total + " runs, best first below"
                            : "Sweep stopped: start it again to resume");
                  })
              .onFailure(m -> message.set("Sweep failed: " + m + " (" + planned + ")"))
              .onCancelled(() -> message.set("Sweep stopped: start it again to resume"))
              .onFinished(() -> running.set(false)));
      return true;
    } catch (Exception e) {
      message.set("Cannot sweep: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      return false;
    }
  }

  /**
   * Runs the sweep on a worker, handing the newest message, progress and ranking to the FX thread.
   */
  private SweepState run(TaskContext ctx, Sweep s, int total) throws Exception {
    Consumer<String> said = ctx.latest(message::set);
    Consumer<Double> done = ctx.latest(progress::set);
    Consumer<List<SweepRun>> ranking = ctx.latest(results::setAll);
    return s.run(
        new SweepListener() {
          @Override
          public void onRunStart(SweepRun r, int n, double left) {
            said.accept(
                String.format(
                    Locale.ROOT,
                    "Run %d of %d: %s · about %s left",
                    r.index() + 1,
                    n,
                    settings(r),
                    Durations.of(left)));
          }

          @Override
          public void onStep(SweepRun r, long step, long stepsTotal) {
            done.accept((r.index() + (double) step / Math.max(1, stepsTotal)) / total);
          }

          @Override
          public void onRunEnd(SweepRun r, int n) {
            ranking.accept(Sweep.ranked(s.state()));
          }
        });
  }

  /** Stops the current run with a checkpoint; the sweep resumes from there when started again. */
  public void stop() {
    Sweep s = sweep;
    if (s != null) s.stop();
  }

  static String settings(SweepRun r) {
    StringBuilder sb = new StringBuilder();
    r.settings()
        .forEach(
            (k, v) ->
                sb.append(sb.isEmpty() ? "" : " ")
                    .append(k.startsWith("training.") ? k.substring(9) : k)
                    .append('=')
                    .append(v));
    return sb.toString();
  }

  public ObjectProperty<Path> datasetProperty() {
    return dataset;
  }

  public StringProperty gridProperty() {
    return grid;
  }

  public ObjectProperty<Integer> stepsProperty() {
    return steps;
  }

  public BooleanProperty runningProperty() {
    return running;
  }

  public DoubleProperty progressProperty() {
    return progress;
  }

  public StringProperty messageProperty() {
    return message;
  }

  /** The sweep's runs, best validation loss first. */
  public ObservableList<SweepRun> results() {
    return results;
  }

  public Workspace workspace() {
    return workspace;
  }
}
