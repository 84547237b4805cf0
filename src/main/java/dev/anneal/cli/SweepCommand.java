package dev.anneal.cli;

import dev.anneal.metrics.Durations;
import dev.anneal.preset.Preset;
import dev.anneal.sweep.Sweep;
import dev.anneal.sweep.SweepGrid;
import dev.anneal.sweep.SweepListener;
import dev.anneal.sweep.SweepRun;
import dev.anneal.sweep.SweepState;
import dev.anneal.train.TrainerControl;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code anneal sweep PRESET --data DIR --grid lr=1e-3,3e-3 ...}: one run per combination, one
 * after another; the same command again resumes an interrupted sweep. Ctrl-C stops the current run
 * with a checkpoint.
 */
@Command(
    name = "sweep",
    description = "Train a grid of settings one run after another; run it again to resume.")
final class SweepCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PRESET",
      description = "A built-in or user preset name, or a preset file.")
  String preset;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "A prepared dataset folder.")
  Path data;

  @Option(
      names = "--grid",
      required = true,
      paramLabel = "FIELD=V1,V2",
      description =
          "A preset field and its values, e.g. lr=1e-3,3e-3 or model.layers=2,4 (repeat for more axes).")
  List<String> grid;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Steps of every run (default: the preset's).")
  Integer steps;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "The sweep folder (default: sweeps/PRESET).")
  Path out;

  @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
  int threads;

  @Option(names = "--json", description = "Print the result as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Options.positive("--steps", steps);
    Options.nonNegative("--threads", threads);
    PrintWriter o = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    SweepGrid g = SweepGrid.parse(grid);
    Preset base = Presets.registry().resolve(preset);
    Path dir = out != null ? out : Path.of("sweeps", base.name());
    Sweep sweep = new Sweep(dir, base, data, steps, g, threads, new TrainerControl());
    long done = sweep.state().runs().stream().filter(SweepRun::done).count();
    int total = sweep.state().runs().size();
    double estimate = sweep.estimatedSeconds();
    err.printf(
        Locale.ROOT,
        "sweep %s: %d runs%s, about %s of training (estimated from the preset)%n",
        dir,
        total,
        done > 0 ? " (" + done + " done, resuming)" : "",
        Durations.of(estimate));
    err.flush();
    SweepListener listener =
        new SweepListener() {
          @Override
          public void onRunStart(SweepRun r, int n, double secondsLeft) {
            err.printf(
                Locale.ROOT,
                "[sweep] run %d/%d %s%s · about %s left%n",
                r.index() + 1,
                n,
                settings(r),
                r.run() != null ? " (resuming)" : "",
                Durations.of(secondsLeft));
            err.flush();
          }

          @Override
          public void onRunEnd(SweepRun r, int n) {
            err.printf(
                Locale.ROOT,
                "[sweep] run %d/%d %s: %s, best val loss %s%n",
                r.index() + 1,
                n,
                settings(r),
                r.status(),
                loss(r.bestValLoss()));
            err.flush();
          }

          @Override
          public void onLog(String line) {
            err.println(line);
            err.flush();
          }
        };
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              sweep.stop();
              try {
                main.join(120_000);
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "anneal-sweep-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    long t0 = System.nanoTime();
    SweepState s;
    try {
      s = sweep.run(listener);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for us
      }
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    List<SweepRun> ranked = Sweep.ranked(s);
    boolean complete = sweep.complete();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("sweep", dir.toString());
      m.put("preset", base.name());
      m.put("status", complete ? "completed" : "interrupted");
      m.put("estimated_seconds", estimate);
      m.put("seconds", secs);
      List<Map<String, Object>> runs = new ArrayList<>();
      for (SweepRun r : ranked) runs.add(SweepState.runJson(r));
      m.put("runs", runs);
      o.println(Json.write(m));
    } else {
      List<String[]> rows = new ArrayList<>();
      List<String> head = new ArrayList<>(List.of("RANK"));
      g.axes().forEach(a -> head.add(shortName(a.field())));
      head.addAll(List.of("BEST VAL", "FINAL LOSS", "TIME", "STATUS", "RUN"));
      rows.add(head.toArray(String[]::new));
      int rank = 1;
      for (SweepRun r : ranked) {
        List<String> line = new ArrayList<>(List.of(Integer.toString(rank++)));
        line.addAll(r.settings().values());
        line.addAll(
            List.of(
                loss(r.bestValLoss()),
                loss(r.finalLoss()),
                r.seconds() > 0 ? Durations.of(r.seconds()) : "-",
                r.status(),
                r.run() == null ? "-" : r.run()));
        rows.add(line.toArray(String[]::new));
      }
      StringBuilder sb = new StringBuilder();
      sb.append(
          String.format(
              Locale.ROOT,
              "Sweep %s: %s, %d runs in %s%n",
              dir,
              complete ? "completed" : "interrupted (run the same command again to resume)",
              total,
              Durations.of(secs)));
      RunsCommand.Compare.columns(sb, rows);
      o.print(sb);
    }
    return complete ? 0 : 1;
  }

  private static String settings(SweepRun r) {
    StringBuilder sb = new StringBuilder();
    r.settings()
        .forEach(
            (k, v) ->
                sb.append(sb.isEmpty() ? "" : " ").append(shortName(k)).append('=').append(v));
    return sb.toString();
  }

  private static String shortName(String field) {
    return field.startsWith("training.") ? field.substring("training.".length()) : field;
  }

  private static String loss(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
  }
}
