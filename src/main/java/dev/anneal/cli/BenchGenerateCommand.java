package dev.anneal.cli;

import dev.anneal.AppEnvironment;
import dev.anneal.infer.GenerateBench;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import dev.anneal.task.Cancellation;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code anneal bench generate}: decode tokens/s with and without the KV cache. */
@Command(
    name = "generate",
    description =
        "Decode tokens/s at a given context, with and without the KV cache (random weights).")
final class BenchGenerateCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--preset",
      defaultValue = "nano",
      description = "The model's shape (default ${DEFAULT-VALUE}).")
  String preset;

  @Option(
      names = "--context",
      defaultValue = "512",
      description = "Tokens already in the context (default ${DEFAULT-VALUE}).")
  int context;

  @Option(
      names = "--tokens",
      defaultValue = "64",
      description = "Measured steps with the cache (default ${DEFAULT-VALUE}).")
  int tokens;

  @Option(
      names = "--uncached-tokens",
      defaultValue = "16",
      description = "Measured steps without (default ${DEFAULT-VALUE}).")
  int uncachedTokens;

  @Option(
      names = "--threads",
      defaultValue = "1",
      description =
          "CPU threads for both runs (default ${DEFAULT-VALUE}: "
              + "batch-1 decoding of a small model is latency-bound, and waking a second thread for each of "
              + "its ~150 tiny ops costs more than it saves).")
  int threads;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public void run() {
    AppEnvironment.configure();
    ai.djl.engine.Engine.getEngine("PyTorch");
    if (threads > 0) ai.djl.pytorch.jni.JniUtils.setNumThreads(threads);
    Preset p = Presets.registry().resolve(preset);
    ModelSpec m = withContext(p.model(), Math.max(p.model().context(), context + tokens + 1));
    GenerateBench.Result r =
        GenerateBench.run(m, context, tokens, uncachedTokens, Cancellation.none());
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("preset", p.name());
      map.put("parameters", r.parameters());
      map.put("context", context);
      map.put("threads", ai.djl.pytorch.jni.JniUtils.getNumThreads());
      map.put("cached_tokens_per_s", Math.round(r.cachedTokensPerSecond() * 10) / 10.0);
      map.put("uncached_tokens_per_s", Math.round(r.uncachedTokensPerSecond() * 10) / 10.0);
      map.put("speedup", Math.round(r.speedup() * 10) / 10.0);
      out.println(Json.write(map));
      return;
    }
    out.printf(
        "%s (%s, %,d parameters), batch 1, %d tokens of context, %d thread(s)%n",
        p.name(),
        m.hfModelType(),
        r.parameters(),
        context,
        ai.djl.pytorch.jni.JniUtils.getNumThreads());
    out.printf("  decode with KV cache:    %,10.1f tokens/s%n", r.cachedTokensPerSecond());
    out.printf("  decode without cache:    %,10.1f tokens/s%n", r.uncachedTokensPerSecond());
    out.printf("  the cache is %.1f× faster%n", r.speedup());
  }

  /**
   * The same architecture with a longer context (learned positions grow with it; random weights
   * anyway).
   */
  static ModelSpec withContext(ModelSpec m, int context) {
    return new ModelSpec(
        m.family(),
        m.layers(),
        m.hidden(),
        m.heads(),
        m.kvHeads(),
        m.headDim(),
        m.intermediate(),
        m.vocab(),
        context,
        m.position(),
        m.norm(),
        m.normEps(),
        m.activation(),
        m.qkvBias(),
        m.outBias(),
        m.mlpBias(),
        m.normBias(),
        m.tieEmbeddings(),
        m.ropeTheta(),
        m.ropeScaling(),
        m.moe(),
        m.dropout(),
        m.initStd());
  }
}
