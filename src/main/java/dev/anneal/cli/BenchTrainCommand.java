package dev.anneal.cli;

import dev.anneal.io.JsonObject;
import dev.anneal.preset.Precision;
import dev.anneal.preset.Preset;
import dev.anneal.train.OpProfile;
import dev.anneal.train.TrainBench;
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
import picocli.CommandLine.Spec;

/**
 * {@code anneal bench train}: the trainer's step on the bench configuration (the nano preset: 4
 * layers, d_model 256, 4 heads, context 256, batch 8, vocab 4,096) with 2 CPU threads.
 */
@Command(
    name = "train",
    description =
        "Time the trainer's own step; print tokens/s, step time, MFU, GEMM ceiling, Java share, peak memory.")
final class BenchTrainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--preset",
      paramLabel = "PRESET",
      description = "Preset to time (default nano; nano-long with --activation-checkpointing).")
  String preset;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Measured steps (default ${DEFAULT-VALUE}; 1000 shows memory growth).")
  int steps = 30;

  @Option(
      names = "--warmup",
      paramLabel = "N",
      description = "Unmeasured steps first (default ${DEFAULT-VALUE}).")
  int warmup = 5;

  @Option(
      names = "--device",
      paramLabel = "cpu|cuda|mps",
      description =
          "Device to time on (default: the preset's hardware.device, else cpu). Refused when this libtorch lacks it.")
  String device;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "CPU threads (default ${DEFAULT-VALUE}).")
  int threads = 2;

  @Option(
      names = "--java-share",
      negatable = true,
      description =
          "Sample the main thread's stack to measure the share of the step spent in Java (default"
              + " off: the sampling thread competes with the step for the cores, so the timings"
              + " then describe something users do not run).")
  boolean javaShare;

  @Option(
      names = "--precision",
      paramLabel = "fp32|bf16|amp",
      description =
          "Override the preset's training.precision; bf16 and amp run matrix products in bf16 where checked to work.")
  String precision;

  @Option(
      names = "--profile",
      paramLabel = "FILE",
      description =
          "Record libtorch's profiler over the measured steps into FILE (Chrome trace JSON) and print the operators by self time. Slows the steps: use few.")
  Path profile;

  @Option(
      names = "--activation-checkpointing",
      description =
          "Run the preset plain, then with activation checkpointing, in this one process, and compare peak memory (resident, reset between the two) and speed. Default preset then: nano-long, where activations dominate.")
  boolean checkpointing;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Preset p =
        Presets.registry().resolve(preset != null ? preset : checkpointing ? "nano-long" : "nano");
    if (precision != null) {
      Precision wanted;
      try {
        wanted = Precision.parse("--precision", precision);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      if (wanted == Precision.FP16) { // needs loss scaling, which only the DeepSpeed bundles have
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--precision: fp16 trains only in a DeepSpeed bundle (it needs loss scaling); use fp32, bf16 or amp");
      }
      p = p.withTraining(p.training().with(null, null, wanted, null));
    }
    if (steps < 1 || warmup < 0) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--steps must be at least 1 and --warmup at least 0");
    }
    String wanted = device != null ? device : p.hardware().device();
    if (!java.util.Set.of("cpu", "cuda", "mps").contains(wanted)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--device: expected cpu, cuda or mps, got '" + wanted + "'");
    }
    dev.anneal.engine.Devices.Choice choice = dev.anneal.engine.Devices.choose(wanted);
    if (choice.note() != null) {
      if (device != null)
        throw new IllegalStateException("--device " + device + ": " + choice.note());
      System.err.println("note: " + choice.note() + "; timing on the CPU");
    }
    if (checkpointing) {
      if (warmup < 1) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(),
            "--activation-checkpointing needs --warmup 1 or more: memory is measured against the state between steps");
      }
      TrainBench.Result plain =
          TrainBench.run(
              p.withTraining(p.training().with(null, null, null, false)),
              choice.device(),
              threads,
              warmup,
              steps,
              false,
              null);
      dev.anneal.engine.NativeMemory
          .trim(); // the plain run's freed memory goes back before the second
      TrainBench.Result ckpt =
          TrainBench.run(
              p.withTraining(p.training().with(null, null, null, true)),
              choice.device(),
              threads,
              warmup,
              steps,
              false,
              null);
      CheckpointingReport.print(spec.commandLine().getOut(), plain, ckpt, json);
      return 0;
    }
    TrainBench.Result r =
        TrainBench.run(
            p, choice.device(), threads, warmup, steps, javaShare && profile == null, profile);
    List<OpProfile.Op> ops = profile == null ? List.of() : OpProfile.read(profile);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("preset", r.preset());
      m.put("device", r.device());
      m.put("precision", r.precision());
      m.put("threads", r.threads());
      m.put("halves_on_two_threads", r.halves());
      m.put("steps", r.steps());
      m.put("tokens_per_s", r.tokensPerSecond());
      m.put("model_flops_per_s", r.modelFlopsPerSecond());
      m.put("gemm_flops_per_s", r.gemmFlopsPerSecond());
      m.put("gemm_ratio", r.gemmRatio());
      m.put("java_share", r.javaShare());
      m.put("median_step_ms", r.medianStepMs());
      m.put("step_ms", r.medianStepMs());
      m.put("mfu", r.mfu());
      m.put("mfu_peak", r.peakSource());
      m.put("peak_device_memory_bytes", r.peakDeviceMemory() < 0 ? null : r.peakDeviceMemory());
      m.put("rss_after_warmup_bytes", r.rssAfterWarmup());
      m.put("rss_at_end_bytes", r.rssAtEnd());
      m.put("peak_rss_bytes", r.peakRss());
      m.put("native_after_warmup_bytes", r.nativeAfterWarmup());
      m.put("native_at_end_bytes", r.nativeAtEnd());
      m.put("rss_by_quarter_bytes", r.rssByQuarter());
      m.put(
          "page_faults_per_step",
          Double.isNaN(r.pageFaultsPerStep()) ? null : Math.round(r.pageFaultsPerStep()));
      if (profile != null) {
        m.put("profile", profile.toString());
        m.put(
            "ops",
            ops.stream()
                .limit(TOP_OPS)
                .map(
                    o -> JsonObject.of("name", o.name(), "self_ms", o.selfMs(), "calls", o.calls()))
                .toList());
      }
      out.println(Json.write(m));
      return 0;
    }
    out.printf(
        Locale.ROOT,
        "preset %s on %s, %s, %d threads%s, %d steps%n",
        r.preset(),
        r.device(),
        r.precision(),
        r.threads(),
        r.halves() ? " (each micro batch as two halves on two threads)" : "",
        r.steps());
    out.printf(Locale.ROOT, "tokens/s          %,.0f%n", r.tokensPerSecond());
    out.printf(Locale.ROOT, "step (median)     %.1f ms%n", r.medianStepMs());
    out.printf(Locale.ROOT, "model FLOP/s      %.1f GFLOP/s%n", r.modelFlopsPerSecond() / 1e9);
    out.printf(
        Locale.ROOT, "MFU               %.1f%% (of the %s peak)%n", 100 * r.mfu(), r.peakSource());
    out.printf(
        Locale.ROOT,
        "peak device mem   %s%n",
        r.peakDeviceMemory() < 0
            ? "unknown (no nvidia-smi)"
            : String.format(Locale.ROOT, "%.2f GB", r.peakDeviceMemory() / 1e9));
    out.printf(Locale.ROOT, "GEMM (same proc)  %.1f GFLOP/s%n", r.gemmFlopsPerSecond() / 1e9);
    out.printf(Locale.ROOT, "model / GEMM      %.2f%n", r.gemmRatio());
    out.printf(
        Locale.ROOT,
        "Java share        %s%n",
        Double.isNaN(r.javaShare())
            ? "not sampled"
            : String.format(Locale.ROOT, "%.1f%% of the step", 100 * r.javaShare()));
    out.printf(
        Locale.ROOT,
        "RSS               %.0f MB after warmup, %.0f MB at end, peak %.0f MB%n",
        r.rssAfterWarmup() / 1e6,
        r.rssAtEnd() / 1e6,
        r.peakRss() / 1e6);
    out.printf(
        Locale.ROOT,
        "native (RSS-heap)  %.0f MB after warmup, %.0f MB at end%n",
        r.nativeAfterWarmup() / 1e6,
        r.nativeAtEnd() / 1e6);
    out.printf(
        Locale.ROOT,
        "RSS by quarter    %s MB%n",
        String.join(
            " / ",
            r.rssByQuarter().stream()
                .map(b -> String.format(Locale.ROOT, "%.0f", b / 1e6))
                .toList()));
    out.printf(
        Locale.ROOT,
        "page faults/step  %s%n",
        Double.isNaN(r.pageFaultsPerStep())
            ? "unknown"
            : String.format(
                Locale.ROOT,
                "%,.0f (pages touched afresh: the heap growing, or memory given back and taken again)",
                r.pageFaultsPerStep()));
    if (profile != null) printOps(out, ops);
    return 0;
  }

  private static final int TOP_OPS = 20;

  private void printOps(PrintWriter out, List<OpProfile.Op> ops) {
    double total = ops.stream().mapToDouble(OpProfile.Op::selfMs).sum();
    out.printf(
        Locale.ROOT, "libtorch operators by self time over %d steps (trace: %s)%n", steps, profile);
    for (OpProfile.Op o : ops.subList(0, Math.min(TOP_OPS, ops.size()))) {
      out.printf(
          Locale.ROOT,
          "  %8.1f ms %5.1f%% %7d× %s%n",
          o.selfMs(),
          100 * o.selfMs() / total,
          o.calls(),
          o.name());
    }
  }
}
