package dev.anneal.sweep;

import dev.anneal.metrics.RunEvent;
import dev.anneal.preset.Preset;
import dev.anneal.preset.estimate.Estimator;
import dev.anneal.train.TrainOptions;
import dev.anneal.train.TrainResult;
import dev.anneal.train.Trainer;
import dev.anneal.train.TrainerControl;
import dev.anneal.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * Runs a grid of settings over one preset, one run after another, in the sweep folder's {@code
 * runs/} (or the runs folder given). {@code sweep.json} records each run as it starts and ends, so
 * running the same sweep again skips the completed runs and resumes the interrupted one from its
 * checkpoint. The CLI's {@code sweep} and the studio's Presets share it.
 */
public final class Sweep {
  private final Path dir;
  private final Path runsDir;
  private final Preset base;
  private final Path data;
  private final Integer steps;
  private final int threads;
  private final TrainerControl control;
  private SweepState state;
  private volatile boolean stopping;

  /**
   * Plans the sweep, or picks up the one already in {@code dir}; refuses a folder holding a
   * different sweep. Every combination is checked as a preset here, before anything runs.
   */
  public Sweep(
      Path dir,
      Preset base,
      Path data,
      Integer steps,
      SweepGrid grid,
      int threads,
      TrainerControl control)
      throws IOException {
    this(dir, dir.resolve("runs"), base, data, steps, grid, threads, control);
  }

  /** As above, with the run folders made in {@code runsDir} (the studio's workspace runs). */
  public Sweep(
      Path dir,
      Path runsDir,
      Preset base,
      Path data,
      Integer steps,
      SweepGrid grid,
      int threads,
      TrainerControl control)
      throws IOException {
    this.dir = dir;
    this.runsDir = runsDir;
    this.base = base;
    this.data = data;
    this.steps = steps;
    this.threads = threads;
    this.control = control;
    SweepState fresh =
        SweepState.plan(base.name(), data.toAbsolutePath().normalize().toString(), steps, grid);
    SweepState old = SweepState.read(dir);
    if (old != null && !old.sameSweep(fresh)) {
      throw new IOException(
          dir.resolve(SweepState.FILE)
              + ": holds another sweep ("
              + old.preset()
              + ", "
              + old.grid().axes().size()
              + " grid axes); pick another --out");
    }
    this.state = old != null ? old : fresh;
    for (SweepRun r : state.runs()) preset(r);
  }

  public SweepState state() {
    return state;
  }

  /** The preset of one run: the base with its settings and the step override. */
  public Preset preset(SweepRun r) {
    Preset p = SweepPresets.apply(base, r.settings());
    return steps == null ? p : p.withTraining(p.training().withSteps(steps));
  }

  /** The estimated training time of the runs not yet completed, from each preset's estimate. */
  public double estimatedSeconds() {
    return state.runs().stream()
        .filter(r -> !r.done())
        .mapToDouble(r -> Estimator.estimate(preset(r)).seconds())
        .sum();
  }

  /**
   * Runs what is left, in grid order. Stops after a run that was stopped or cancelled (the sweep is
   * then resumable); a run that fails is recorded and the next one goes on.
   *
   * @return the final state
   */
  public SweepState run(SweepListener listener) throws IOException, InterruptedException {
    state.write(dir);
    int total = state.runs().size();
    double measuredPerRun = Double.NaN;
    int measured = 0;
    double measuredSum = 0;
    for (SweepRun r : state.runs()) {
      if (r.done()) continue;
      if (stopping) break;
      long left = state.runs().stream().filter(x -> !x.done()).count();
      double eta = Double.isNaN(measuredPerRun) ? estimatedSeconds() : measuredPerRun * left;
      listener.onRunStart(r, total, eta);
      Preset p = preset(r);
      TrainOptions options = new TrainOptions(data, runsDir, null, null, steps, threads, 8);
      if (r.run() != null && Files.isDirectory(Path.of(r.run())))
        options = options.withResume(Path.of(r.run()));
      SweepRun[] current = {r};
      TrainingListener tl =
          new TrainingListener() {
            @Override
            public void onEvent(RunEvent e) {
              if (e.kind().equals(RunEvent.START) && current[0].run() == null) {
                current[0] = current[0].started(String.valueOf(e.details().get("run")));
                save(current[0]);
              }
            }

            @Override
            public void onLog(String line) {
              listener.onLog(line);
            }

            @Override
            public void onProgress(long step, long stepsTotal, double etaSeconds) {
              listener.onStep(current[0], step, stepsTotal);
            }
          };
      SweepRun ended;
      try {
        TrainResult res = new Trainer(p, options, tl, control).run();
        double last = Double.isNaN(res.lastLoss()) ? lastLoss(res.runDir()) : res.lastLoss();
        ended =
            current[0]
                .started(res.runDir().toString())
                .ended(
                    res.status(),
                    res.state().bestValLoss(),
                    last,
                    res.state().elapsedSeconds(),
                    null);
      } catch (IOException | RuntimeException e) {
        ended =
            current[0].ended(
                "failed",
                Double.NaN,
                Double.NaN,
                0,
                String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
      }
      save(ended);
      listener.onRunEnd(ended, total);
      if (ended.done()) {
        measured++;
        measuredSum += ended.seconds();
        measuredPerRun = measuredSum / measured;
      }
      if (ended.status().equals("stopped") || ended.status().equals("cancelled")) break;
    }
    return state;
  }

  private void save(SweepRun r) {
    state = state.with(r);
    try {
      state.write(dir);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The last training loss a run logged (a resumed completed run logs nothing new). */
  static double lastLoss(Path runDir) {
    try {
      var h = dev.anneal.runs.RunHistory.read(runDir);
      return h.finalLoss();
    } catch (IOException e) {
      return Double.NaN;
    }
  }

  /** Runs ordered by best validation loss, lowest first; runs without one last, in grid order. */
  public static List<SweepRun> ranked(SweepState s) {
    return s.runs().stream()
        .sorted(
            Comparator.comparingDouble(
                    (SweepRun r) ->
                        Double.isNaN(r.bestValLoss()) ? Double.POSITIVE_INFINITY : r.bestValLoss())
                .thenComparingInt(SweepRun::index))
        .toList();
  }

  /** The sweep folder. */
  public Path dir() {
    return dir;
  }

  /** Whether every run completed. */
  public boolean complete() {
    return state.runs().stream().allMatch(SweepRun::done);
  }

  /** Stops the current run at its next step, with a checkpoint, and runs no further one. */
  public void stop() {
    stopping = true;
    control.stop();
  }
}
