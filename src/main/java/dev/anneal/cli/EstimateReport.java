package dev.anneal.cli;

import dev.anneal.metrics.Durations;
import dev.anneal.preset.HardwareSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.estimate.Estimate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** An {@link Estimate} as a text table or as the {@code --json} object. */
final class EstimateReport {
  private EstimateReport() {}

  static Map<String, Object> toMap(Estimate e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("total_params", e.params().total());
    m.put("trainable_params", e.params().trainable());
    m.put("active_params", e.params().active());
    m.put("lora_params", e.params().lora());
    Map<String, Object> mem = new LinkedHashMap<>();
    Estimate.Memory mm = e.memory();
    mem.put("weights", round(Estimate.gb(mm.weights())));
    mem.put("gradients", round(Estimate.gb(mm.gradients())));
    mem.put("optimizer", round(Estimate.gb(mm.optimizer())));
    mem.put("activations", round(Estimate.gb(mm.activations())));
    mem.put("lora", round(Estimate.gb(mm.lora())));
    mem.put("overhead", round(Estimate.gb(mm.overhead())));
    mem.put("total", round(Estimate.gb(mm.total())));
    m.put("memory_per_device_gb", mem);
    m.put("device_memory_gb", round(Estimate.gb(e.capacityBytes())));
    m.put("host_memory_gb", round(Estimate.gb(e.hostBytes())));
    m.put("fits", e.fits());
    m.put("suggestions", e.suggestions());
    m.put("tokens_per_step", e.tokensPerStep());
    m.put("flops_per_token", e.flopsPerToken());
    m.put("steps", e.steps());
    m.put("tokens_per_second", round(e.tokensPerSecond()));
    m.put("throughput_measured", e.measured());
    m.put("run_seconds", round(e.seconds()));
    m.put("cost", e.cost() == null ? null : round(e.cost()));
    return m;
  }

  static String toText(Preset p, Estimate e) {
    HardwareSpec h = p.hardware();
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            Locale.ROOT,
            "%s  (%s, %d layers, hidden %d)%n",
            p.name(),
            p.model().hfModelType(),
            p.model().layers(),
            p.model().hidden()));
    s.append(
        String.format(
            Locale.ROOT,
            "on %d × %s%s, %.0f GB each, ZeRO-%d%s%n",
            h.totalDevices(),
            h.device(),
            h.gpuModel() == null ? "" : " " + h.gpuModel(),
            h.memoryGb(),
            h.zeroStage(),
            h.offloadOptimizer() ? " + optimizer offload" : ""));
    s.append('\n');
    row(s, "parameters", Format.count(e.params().total()));
    row(s, "trainable", Format.count(e.params().trainable()));
    row(s, "active per token", Format.count(e.params().active()));
    s.append("\nmemory per device\n");
    Estimate.Memory m = e.memory();
    row(s, "  weights", Format.gb(m.weights()));
    if (m.lora() > 0) row(s, "  LoRA adapters", Format.gb(m.lora()));
    row(s, "  gradients", Format.gb(m.gradients()));
    row(s, "  optimizer", Format.gb(m.optimizer()));
    row(s, "  activations", Format.gb(m.activations()));
    row(s, "  overhead", Format.gb(m.overhead()));
    row(s, "  total", Format.gb(m.total()) + " of " + Format.gb(e.capacityBytes()));
    if (e.hostBytes() > 0) row(s, "host RAM per node", Format.gb(e.hostBytes()));
    s.append('\n');
    row(s, "tokens per step", String.format(Locale.ROOT, "%,d", e.tokensPerStep()));
    row(s, "FLOPs per token", String.format(Locale.ROOT, "%.3g", e.flopsPerToken()));
    row(
        s,
        "throughput",
        String.format(
            Locale.ROOT,
            "%,.0f tokens/s (%s)",
            e.tokensPerSecond(),
            e.measured() ? "measured" : "assumed"));
    row(s, "run", e.steps() + " steps, " + Durations.of(e.seconds()));
    if (e.cost() != null) row(s, "cost", String.format(Locale.ROOT, "$%,.0f", e.cost()));
    s.append('\n');
    s.append(e.fits() ? "fits\n" : "does not fit\n");
    for (String sug : e.suggestions()) s.append("  try ").append(sug).append('\n');
    return s.toString();
  }

  private static void row(StringBuilder s, String label, String value) {
    s.append(String.format(Locale.ROOT, "%-20s %s%n", label, value));
  }

  private static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
