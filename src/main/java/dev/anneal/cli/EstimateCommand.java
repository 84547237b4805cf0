package dev.anneal.cli;

import dev.anneal.preset.HardwareSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.estimate.Estimate;
import dev.anneal.preset.estimate.Estimator;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal estimate PRESET}: parameters, memory per device, time, cost and a verdict. */
@Command(
    name = "estimate",
    description = "Estimate parameters, memory per device, time and cost of a preset.")
final class EstimateCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PRESET",
      description = "A built-in or user preset name, or a preset file.")
  String preset;

  @Option(
      names = "--gpus",
      paramLabel = "N",
      description = "GPUs per node (switches a CPU preset to CUDA).")
  Integer gpus;

  @Option(names = "--nodes", paramLabel = "N", description = "Machines.")
  Integer nodes;

  @Option(names = "--gpu-mem", paramLabel = "GB", description = "Memory of one device in GB.")
  Double gpuMem;

  @Option(names = "--zero", paramLabel = "0..3", description = "DeepSpeed ZeRO stage.")
  Integer zero;

  @Option(names = "--offload", description = "Offload the optimizer state to host RAM.")
  boolean offload;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public void run() {
    Preset p = Presets.registry().resolve(preset);
    p = PresetLoader.validated(p.withHardware(overrides(p.hardware())), "command line");
    Estimate e = Estimator.estimate(p);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(EstimateReport.toMap(e)));
    } else {
      out.print(EstimateReport.toText(p, e));
    }
  }

  private HardwareSpec overrides(HardwareSpec h) {
    String device = gpus != null && h.device().equals("cpu") ? "cuda" : h.device();
    int stage = zero != null ? zero : (offload && h.zeroStage() == 0 ? 2 : h.zeroStage());
    return new HardwareSpec(
        device,
        h.gpuModel(),
        gpus != null ? gpus : h.count(),
        nodes != null ? nodes : h.nodes(),
        gpuMem != null ? gpuMem : h.memoryGb(),
        stage,
        offload || h.offloadOptimizer(),
        h.offloadParams() && stage == 3,
        h.cpuCheckpointing(),
        h.pinMemory(),
        h.maxLiveParameters(),
        h.pricePerDeviceHour(),
        h.tokensPerSecond(),
        h.mfu());
  }
}
