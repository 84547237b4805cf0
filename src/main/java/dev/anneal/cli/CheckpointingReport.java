package dev.anneal.cli;

import dev.anneal.train.TrainBench;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code anneal bench train --activation-checkpointing} prints: the plain and the checkpointed
 * run of one preset side by side, and their ratios (checkpointed over plain).
 */
final class CheckpointingReport {
  private CheckpointingReport() {}

  static void print(
      PrintWriter out, TrainBench.Result plain, TrainBench.Result ckpt, boolean json) {
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("preset", plain.preset());
      m.put("device", plain.device());
      m.put("precision", plain.precision());
      m.put("threads", plain.threads());
      m.put("steps", plain.steps());
      m.put("plain", run(plain));
      m.put("checkpointed", run(ckpt));
      m.put("peak_memory_ratio", ratio(ckpt.stepPeak(), plain.stepPeak()));
      m.put("step_memory_ratio", ratio(ckpt.stepActivations(), plain.stepActivations()));
      m.put("tokens_per_s_ratio", ckpt.tokensPerSecond() / plain.tokensPerSecond());
      m.put("step_time_ratio", ckpt.medianStepMs() / plain.medianStepMs());
      out.println(Json.write(m));
      return;
    }
    out.printf(
        Locale.ROOT,
        "preset %s on %s, %s, %d threads, %d steps each%n",
        plain.preset(),
        plain.device(),
        plain.precision(),
        plain.threads(),
        plain.steps());
    out.printf(Locale.ROOT, "%-28s %12s %14s %8s%n", "", "plain", "checkpointed", "ratio");
    row(out, "peak resident (MB)", plain.stepPeak() / 1e6, ckpt.stepPeak() / 1e6);
    row(out, "between steps (MB)", plain.stepBaseline() / 1e6, ckpt.stepBaseline() / 1e6);
    row(out, "step above that (MB)", plain.stepActivations() / 1e6, ckpt.stepActivations() / 1e6);
    row(
        out,
        "estimator's activations (MB)",
        plain.estimatedActivations() / 1e6,
        ckpt.estimatedActivations() / 1e6);
    row(out, "tokens/s", plain.tokensPerSecond(), ckpt.tokensPerSecond());
    row(out, "step (median ms)", plain.medianStepMs(), ckpt.medianStepMs());
  }

  private static Map<String, Object> run(TrainBench.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("peak_memory_bytes", r.stepPeak() < 0 ? null : r.stepPeak());
    m.put("tokens_per_s", r.tokensPerSecond());
    m.put("step_ms", r.medianStepMs());
    m.put("between_steps_bytes", r.stepBaseline());
    m.put("step_memory_bytes", r.stepPeak() < 0 ? null : r.stepActivations());
    m.put("estimated_activation_bytes", r.estimatedActivations());
    m.put("peak_device_memory_bytes", r.peakDeviceMemory() < 0 ? null : r.peakDeviceMemory());
    return m;
  }

  private static Double ratio(long a, long b) {
    return a < 0 || b <= 0 ? null : (double) a / b;
  }

  private static void row(PrintWriter out, String label, double plain, double ckpt) {
    out.printf(Locale.ROOT, "%-28s %12.1f %14.1f %8.2f%n", label, plain, ckpt, ckpt / plain);
  }
}
