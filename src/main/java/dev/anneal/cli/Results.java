package dev.anneal.cli;

import dev.anneal.infer.EvalResult;
import dev.anneal.infer.GenerationResult;
import dev.anneal.infer.Improvement;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** How generation and evaluation results print, as text and as JSON maps. */
final class Results {
  private Results() {}

  static Map<String, Object> generation(GenerationResult r, Object seed) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", r.label());
    m.put("text", r.text());
    m.put("prompt_ids", r.promptIds());
    m.put("token_ids", r.tokenIds());
    m.put("tokens", r.tokenIds().length);
    m.put("finish_reason", r.finish().id());
    m.put("tokens_per_s", round(r.tokensPerSecond(), 1));
    m.put("prefill_s", round(r.prefillSeconds(), 4));
    m.put("seed", seed);
    return m;
  }

  static String stats(GenerationResult r) {
    return String.format(
        Locale.ROOT,
        "[%d tokens · %.1f tokens/s · %s]",
        r.tokenIds().length,
        r.tokensPerSecond(),
        r.finish().id());
  }

  static Map<String, Object> eval(EvalResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", r.label());
    m.put("mean_loss", r.meanLoss());
    m.put("ppl", r.perplexity());
    m.put("tokens", r.counted());
    if (!r.byLanguage().isEmpty()) m.put("loss_by_language", r.byLanguage());
    return m;
  }

  /** Seed 001's block: both models' loss and perplexity, then the improvement in percent. */
  static void printComparison(PrintWriter out, EvalResult base, EvalResult tuned) {
    out.println("Base Model Metrics:");
    printMetrics(out, base);
    out.println();
    out.println("Fine-tuned Model Metrics:");
    printMetrics(out, tuned);
    out.println();
    out.println("Improvement:");
    out.println(
        "  Loss improvement: "
            + Improvement.format(Improvement.percent(base.meanLoss(), tuned.meanLoss())));
    out.println(
        "  Perplexity improvement: "
            + Improvement.format(Improvement.percent(base.perplexity(), tuned.perplexity())));
  }

  private static void printMetrics(PrintWriter out, EvalResult r) {
    out.printf(Locale.ROOT, "  Loss: %.4f%n", r.meanLoss());
    out.printf(Locale.ROOT, "  Perplexity: %.3f%n", r.perplexity());
  }

  static Map<String, Object> comparison(EvalResult base, EvalResult tuned) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("base", eval(base));
    m.put("tuned", eval(tuned));
    m.put("loss_improvement_percent", Improvement.percent(base.meanLoss(), tuned.meanLoss()));
    m.put("ppl_improvement_percent", Improvement.percent(base.perplexity(), tuned.perplexity()));
    return m;
  }

  private static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }
}
