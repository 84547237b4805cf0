package dev.anneal.cli;

import dev.anneal.metrics.Durations;
import dev.anneal.metrics.RunEvent;
import dev.anneal.preset.PhaseSpec;
import dev.anneal.preset.Preset;
import dev.anneal.runs.Resume;
import dev.anneal.train.TrainOptions;
import dev.anneal.train.TrainResult;
import dev.anneal.train.Trainer;
import dev.anneal.train.TrainerControl;
import dev.anneal.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code anneal train PRESET --data DIR}: trains in this process, a line per log interval on stderr
 * and a summary on stdout. Ctrl-C stops at the next step boundary with a checkpoint, so {@code
 * --resume} continues exactly.
 */
@Command(name = "train", description = "Train a preset on a prepared dataset, or resume a run.")
final class TrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PRESET",
      arity = "0..1",
      description = "A built-in or user preset name, or a preset file (not needed with --resume).")
  String preset;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "A prepared dataset folder (train.bin, val.bin, meta.json).")
  Path data;

  @Option(
      names = "--data-phase",
      paramLabel = "NAME=DIR",
      description = "The dataset of one training phase, overriding its data: (repeatable).")
  Map<String, Path> dataPhase = new LinkedHashMap<>();

  @Option(
      names = "--out",
      paramLabel = "RUNS",
      description = "Where run folders go (default: ./runs).")
  Path out = Path.of("runs");

  @Option(names = "--steps", paramLabel = "N", description = "Override the preset's step count.")
  Integer steps;

  @Option(
      names = "--resume",
      paramLabel = "RUN_DIR",
      description = "Continue a run from its newest checkpoint.")
  Path resume;

  @Option(
      names = "--init",
      paramLabel = "MODEL",
      description =
          "Start from these weights: a run folder (stage 2), a checkpoint, or a Hugging Face folder.")
  Path init;

  @Option(names = "--threads", paramLabel = "N", description = "CPU threads (default: all cores).")
  int threads;

  @Option(
      names = "--device",
      paramLabel = "cpu|cuda|mps",
      description =
          "Train on this device (default: the preset's hardware.device, else cpu). Refused when this libtorch lacks it.")
  String device;

  @Option(names = "--json", description = "Print the summary as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Preset p;
    Path dataset = data;
    if (resume != null) {
      Resume r = Resume.of(resume, steps);
      p = r.preset();
      if (dataset == null) dataset = r.dataset();
    } else {
      if (preset == null)
        throw new ParameterException(spec.commandLine(), "name a PRESET, or --resume a run");
      p = Presets.registry().resolve(preset);
    }
    if (dataset == null) throw new ParameterException(spec.commandLine(), "--data DIR is required");
    if (device != null && !dev.anneal.engine.Devices.KINDS.contains(device)) {
      throw new ParameterException(
          spec.commandLine(), "--device: expected cpu, cuda or mps, got '" + device + "'");
    }
    List<String> phases = p.training().phases().stream().map(PhaseSpec::name).toList();
    for (String name : dataPhase.keySet()) {
      if (!phases.contains(name)) {
        throw new ParameterException(
            spec.commandLine(),
            "--data-phase: "
                + p.name()
                + " has no phase '"
                + name
                + "'"
                + (phases.isEmpty() ? "" : "; its phases: " + String.join(", ", phases)));
      }
    }
    TrainOptions options =
        new TrainOptions(dataset, this.out, resume, init, steps, threads, 8, device, dataPhase);
    TrainerControl control = new TrainerControl();
    TrainingListener listener =
        new TrainingListener() {
          @Override
          public void onLog(String line) {
            err.println(line);
            err.flush();
          }

          @Override
          public void onEvent(RunEvent e) {
            if (!e.kind().equals(RunEvent.CHECKPOINT) && !e.kind().equals(RunEvent.START)) {
              err.println("[" + e.kind() + "] " + e.message());
              err.flush();
            }
          }
        };
    // Ctrl-C: ask for a checkpoint-then-stop and wait for it, bounded.
    Thread main = Thread.currentThread();
    Thread hook =
        new Thread(
            () -> {
              control.stop();
              try {
                main.join(120_000);
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "anneal-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    TrainResult r;
    try {
      r = new Trainer(p, options, listener, control).run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it waits for us
      }
    }
    // A run resumed after it completed trains no step: its last loss is the one it logged.
    double lastLoss =
        Double.isNaN(r.lastLoss())
            ? dev.anneal.runs.RunHistory.read(r.runDir()).finalLoss()
            : r.lastLoss();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("run", r.runDir().toString());
    summary.put("status", r.status());
    summary.put("step", r.state().step());
    summary.put("tokens", r.state().tokens());
    summary.put("last_loss", Double.isNaN(lastLoss) ? null : lastLoss);
    summary.put(
        "best_val_loss", Double.isNaN(r.state().bestValLoss()) ? null : r.state().bestValLoss());
    summary.put("nan_skips", r.state().nanSkips());
    summary.put("rollbacks", r.state().rollbacks());
    summary.put("seconds", r.state().elapsedSeconds());
    if (json) {
      out.println(Json.write(summary));
    } else {
      out.printf(
          Locale.ROOT,
          "%s: %s at step %d, %,d tokens, last loss %s, best val loss %s, %s%n",
          r.runDir(),
          r.status(),
          r.state().step(),
          r.state().tokens(),
          Double.isNaN(lastLoss) ? "-" : String.format(Locale.ROOT, "%.4f", lastLoss),
          Double.isNaN(r.state().bestValLoss())
              ? "-"
              : String.format(Locale.ROOT, "%.4f", r.state().bestValLoss()),
          Durations.of(r.state().elapsedSeconds()));
    }
    return r.status().equals("cancelled") ? 1 : 0;
  }
}
