package dev.anneal.ui.preset;

import dev.anneal.metrics.Durations;
import dev.anneal.preset.Preset;
import dev.anneal.sweep.Sweep;
import dev.anneal.sweep.SweepGrid;
import dev.anneal.sweep.SweepListener;
import dev.anneal.sweep.SweepRun;
import dev.anneal.sweep.SweepState;
import dev.anneal.train.TrainerControl;
import dev.anneal.workspace.Workspace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
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
 * {@code lr=1e-3,3e-3; micro_batch=8,16} and optional steps. It runs on its own thread, its
 * runs land in the workspace's runs (so Runs lists and compares them) and its state in {@code
 * sweeps/PRESET/}; starting the same sweep again resumes it. Properties change through {@code fx}.
 */
public final class SweepViewModel {
  private final Workspace workspace;
  private final Supplier<Preset> preset;
  private final Executor fx;
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
   * @param fx     runs a task on the UI thread ({@code Platform::runLater})
   */
  public SweepViewModel(Workspace workspace, Supplier<Preset> preset, Executor fx) {
    this.workspace = workspace;
    this.preset = preset;
    this.fx = fx;
  }

  /** Plans (or picks up) the sweep and runs it off the FX thread; false with a message when it cannot. */
  public boolean start() {
    if (running.get()) return false;
    Preset p = preset.get();
    try {
      if (p == null) throw new IllegalArgumentException("pick a valid preset first");
      if (dataset.get() == null) throw new IllegalArgumentException("pick a prepared dataset");
      Integer n = steps.get();
      if (n != null && n < 1) throw new IllegalArgumentException("steps must be 1 or more, got " + n);
      List<String> axes = Arrays.stream(grid.get().split("[;\\n]")).map(String::strip).filter(s -> !s.isEmpty()).toList();
      Sweep s = new Sweep(workspace.root().resolve("sweeps").resolve(p.name()), workspace.runsDir(), p,
          dataset.get(), n, SweepGrid.parse(axes), 0, new TrainerControl());
      sweep = s;
      long done = s.state().runs().stream().filter(SweepRun::done).count();
      int total = s.state().runs().size();
      message.set(String.format(Locale.ROOT, "%d runs%s, about %s of training (estimated before starting)",
          total, done > 0 ? " (" + done + " done, resuming)" : "", Durations.of(s.estimatedSeconds())));
      results.setAll(Sweep.ranked(s.state()));
      progress.set(total == 0 ? 0 : (double) done / total);
      running.set(true);
      String planned = message.get();
      Thread t = new Thread(() -> run(s, total, planned), "anneal-sweep");
      t.setDaemon(true);
      t.start();
      return true;
    } catch (Exception e) {
      message.set("Cannot sweep: " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      return false;
    }
  }

  private void run(Sweep s, int total, String planned) {
    String end;
    try {
      SweepState st = s.run(new SweepListener() {
        @Override
        public void onRunStart(SweepRun r, int n, double left) {
          fx.execute(() -> message.set(String.format(Locale.ROOT, "Run %d of %d: %s · about %s left",
              r.index() + 1, n, settings(r), Durations.of(left))));
        }

        @Override
        public void onStep(SweepRun r, long step, long stepsTotal) {
          double p = (r.index() + (double) step / Math.max(1, stepsTotal)) / total;
          fx.execute(() -> progress.set(p));
        }

        @Override
        public void onRunEnd(SweepRun r, int n) {
          List<SweepRun> ranked = Sweep.ranked(s.state());
          fx.execute(() -> results.setAll(ranked));
        }
      });
      boolean complete = st.runs().stream().allMatch(SweepRun::done);
      end = complete ? "Sweep completed: " + total + " runs, best first below"
          : "Sweep stopped: start it again to resume";
      List<SweepRun> ranked = Sweep.ranked(st);
      fx.execute(() -> {
        results.setAll(ranked);
        if (complete) progress.set(1.0);
      });
    } catch (Exception e) {
      end = "Sweep failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + " (" + planned + ")";
    }
    String m = end;
    fx.execute(() -> {
      message.set(m);
      running.set(false);
    });
  }

  /** Stops the current run with a checkpoint; the sweep resumes from there when started again. */
  public void stop() {
    Sweep s = sweep;
    if (s != null) s.stop();
  }

  static String settings(SweepRun r) {
    StringBuilder sb = new StringBuilder();
    r.settings().forEach((k, v) -> sb.append(sb.isEmpty() ? "" : " ")
        .append(k.startsWith("training.") ? k.substring(9) : k).append('=').append(v));
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
