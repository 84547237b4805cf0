package dev.anneal.cli;

import dev.anneal.export.DeepSpeedExport;
import dev.anneal.preset.Preset;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal export deepspeed PRESET --data DIR --out DIR}: writes a launch bundle. */
@Command(
    name = "deepspeed",
    description = {
      "Write a DeepSpeed launch bundle: dataset, Transformers + PEFT training script,"
          + " DeepSpeed JSON, launch script, requirements and README.",
      "Follow the run with: anneal attach OUT/outputs/PRESET"
    })
final class ExportDeepSpeedCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PRESET",
      description = "A built-in or user preset name, or a preset file.")
  String preset;

  @Option(
      names = "--data",
      required = true,
      paramLabel = "DIR",
      description = "Dataset folder (samples.jsonl and/or train.bin, val.bin, meta.json).")
  Path data;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Bundle folder to write (replaced if it exists).")
  Path out;

  @Option(
      names = "--gpus",
      paramLabel = "N",
      description = "GPUs per node (default: the preset's).")
  Integer gpus;

  @Option(names = "--nodes", paramLabel = "N", description = "Machines (default: the preset's).")
  Integer nodes;

  @Option(
      names = "--base-model",
      paramLabel = "ID|DIR",
      description = "Base model of a LoRA preset (default: the seed's).")
  String baseModel;

  @Option(
      names = "--hosts",
      split = ",",
      paramLabel = "HOST",
      description = "Node host names for the hostfile.")
  List<String> hosts;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public void run() {
    Preset p = Presets.registry().resolve(preset);
    DeepSpeedExport.Result r;
    try {
      r =
          DeepSpeedExport.export(
              new DeepSpeedExport.Request(p, data, out, gpus, nodes, baseModel, hosts),
              ProgressListener.NONE,
              Cancellation.none());
    } catch (IOException e) {
      throw new UncheckedIOException(out + ": " + e.getMessage(), e);
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dir", r.dir().toString());
      m.put("gpus", r.gpus());
      m.put("nodes", r.nodes());
      m.put("effective_batch", r.effectiveBatch());
      m.put("zero_stage", r.zeroStage());
      m.put("files", r.files());
      m.put("warnings", r.warnings());
      o.println(Json.write(m));
      return;
    }
    o.printf(
        "Wrote %s: %s on %d GPU(s) x %d node(s), ZeRO-%d, %d sequences per step.%n",
        r.dir(), p.name(), r.gpus(), r.nodes(), r.zeroStage(), r.effectiveBatch());
    for (String f : r.files()) if (!f.startsWith("data/")) o.println("  " + f);
    o.println(
        "  data/ (" + r.files().stream().filter(f -> f.startsWith("data/")).count() + " files)");
    for (String w : r.warnings()) o.println("warning: " + w);
    o.printf(
        "Start it with %s/launch.sh; follow it with: anneal attach %s%n",
        r.dir(), r.dir().resolve("outputs").resolve(p.name()));
  }
}
