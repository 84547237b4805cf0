package dev.anneal.cli;

import dev.anneal.infer.EvalResult;
import dev.anneal.infer.LoadedLm;
import dev.anneal.infer.ModelLoader;
import dev.anneal.infer.TokenLoss;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code anneal eval MODEL (--data DIR | --text TEXT | --file F) [--per-token]}: loss and
 * perplexity.
 */
@Command(
    name = "eval",
    description = "Loss and perplexity of a model on a val split, a text or a file.")
final class EvalCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "MODEL",
      description = "A Hugging Face folder, a run folder, a checkpoint folder, or untrained:RUN.")
  Path model;

  @Mixin ModelOptions modelOptions;
  @Mixin EvalInput input;

  @Option(
      names = "--per-token",
      description = "The loss of every predicted token (--text or --file).")
  boolean perToken;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    input.check(spec.commandLine(), true);
    Cli.quietLibtorch(spec);
    if (perToken && input.data != null) {
      throw new ParameterException(
          spec.commandLine(),
          "--per-token takes --text or --file (a val split is too long to list)");
    }
    String text = input.loadText();
    PrintWriter out = spec.commandLine().getOut();
    try (LoadedLm lm = ModelLoader.load(model, modelOptions.adapter, modelOptions.tokenizer)) {
      EvalResult r = input.evaluate(lm.view(), text);
      if (json) {
        out.println(Json.write(perToken ? perTokenJson(r) : Results.eval(r)));
        return 0;
      }
      if (perToken) {
        out.printf("%6s %7s %9s  %s%n", "pos", "id", "loss", "token");
        for (int i = 0; i < r.tokens().size(); i++) {
          TokenLoss t = r.tokens().get(i);
          out.printf(
              Locale.ROOT, "%6d %7d %9.4f  %s%n", i + 1, t.tokenId(), t.loss(), visible(t.token()));
        }
      }
      out.printf(
          Locale.ROOT,
          "loss %.4f · perplexity %.3f over %,d tokens (%s)%n",
          r.meanLoss(),
          r.perplexity(),
          r.counted(),
          input.describe());
      r.byLanguage()
          .forEach(
              (language, loss) ->
                  out.printf(
                      Locale.ROOT,
                      "  %-12s loss %.4f · perplexity %.3f%n",
                      language,
                      loss,
                      Math.exp(loss)));
    }
    return 0;
  }

  /** Exactly the object the issue specifies: input_ids, tokens, mean_loss, ppl. */
  static Map<String, Object> perTokenJson(EvalResult r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("input_ids", r.inputIds());
    List<Map<String, Object>> tokens = new ArrayList<>();
    for (TokenLoss t : r.tokens()) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("token_id", t.tokenId());
      o.put("token", t.token());
      o.put("loss", t.loss());
      tokens.add(o);
    }
    m.put("tokens", tokens);
    m.put("mean_loss", r.meanLoss());
    m.put("ppl", r.perplexity());
    return m;
  }

  private static String visible(String token) {
    return token.replace("\n", "\\n").replace("\t", "\\t");
  }
}
