package dev.anneal.cli;

import dev.anneal.AppEnvironment;
import dev.anneal.model.ModelBench;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import dev.anneal.task.Cancellation;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal bench model PRESET}: throughput of the model blocks on this machine. */
@Command(
    name = "model",
    description =
        "Measure the model blocks of a preset: training step (forward + loss + backward, "
            + "no optimizer), inference forward, cached decoding.")
final class BenchModelCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PRESET",
      description = "A built-in or user preset name, or a preset file.")
  String preset;

  @Option(names = "--batch", description = "Rows per step (default: the preset's micro batch).")
  Integer batch;

  @Option(names = "--seq", description = "Tokens per row (default: the preset's sequence length).")
  Integer seq;

  @Option(
      names = "--steps",
      defaultValue = "10",
      description = "Measured steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(
      names = "--warmup",
      defaultValue = "3",
      description = "Unmeasured steps first (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--lora", description = "Include the preset's LoRA adapters (base frozen).")
  boolean lora;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public void run() {
    AppEnvironment.configure();
    Preset p = Presets.registry().resolve(preset);
    ModelSpec m = p.model();
    int b = batch != null ? batch : p.training().microBatch();
    int t = seq != null ? seq : p.training().seqLen() != null ? p.training().seqLen() : m.context();
    if (t > m.context())
      throw new IllegalArgumentException("--seq " + t + " exceeds the context " + m.context());
    if (lora && p.lora() == null)
      throw new IllegalArgumentException("preset " + p.name() + " has no lora section");
    ModelBench.Result r =
        ModelBench.run(m, lora ? p.lora() : null, b, t, steps, warmup, Cancellation.none());
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("preset", p.name());
    map.put("model_type", m.hfModelType());
    map.put("parameters", r.parameters());
    map.put("batch", b);
    map.put("seq_len", t);
    map.put("threads", Runtime.getRuntime().availableProcessors());
    map.put("train_tokens_per_s", Math.round(r.trainTokensPerSecond()));
    map.put("ms_per_train_step", Math.round(r.msPerTrainStep()));
    map.put("forward_tokens_per_s", Math.round(r.forwardTokensPerSecond()));
    map.put("decode_tokens_per_s", Math.round(r.decodeTokensPerSecond()));
    if (json) {
      out.println(Json.write(map));
      return;
    }
    out.printf(
        "%s (%s, %,d parameters), batch %d × %d tokens, %d cores%n",
        p.name(),
        m.hfModelType(),
        r.parameters(),
        b,
        t,
        Runtime.getRuntime().availableProcessors());
    out.printf(
        "  train step (fwd+loss+bwd): %,.0f tokens/s, %.0f ms/step%n",
        r.trainTokensPerSecond(), r.msPerTrainStep());
    out.printf("  inference forward:         %,.0f tokens/s%n", r.forwardTokensPerSecond());
    out.printf("  cached decoding:           %,.0f tokens/s%n", r.decodeTokensPerSecond());
  }
}
