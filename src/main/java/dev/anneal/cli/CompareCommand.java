package dev.anneal.cli;

import dev.anneal.infer.EvalResult;
import dev.anneal.infer.GenerationListener;
import dev.anneal.infer.GenerationResult;
import dev.anneal.infer.Generator;
import dev.anneal.infer.ModelPair;
import dev.anneal.io.JsonObject;
import dev.anneal.task.Cancellation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
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
 * {@code anneal compare BASE TUNED}: the same prompt and settings through both models, and/or both
 * losses on the same data with the improvement as seed 001 prints it.
 */
@Command(
    name = "compare",
    description = {
      "Base vs tuned: the same prompt through both, and both losses on the same data.",
      "Generates from --prompt with the same settings, and/or measures losses on --data, --text or --file."
    })
final class CompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "BASE",
      description =
          "The base model: an HF folder, a run folder, a checkpoint, or untrained:RUN (the run's preset with fresh weights from its seed).")
  Path base;

  @Parameters(
      index = "1",
      arity = "0..1",
      paramLabel = "TUNED",
      description =
          "The tuned model, or a PEFT adapter folder to put on BASE (omit it to use --adapter on BASE).")
  Path tuned;

  @Mixin ModelOptions modelOptions;
  @Mixin SamplingOptions sampling;
  @Mixin EvalInput input;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    input.check(spec.commandLine(), false);
    Cli.quietLibtorch(spec);
    if (sampling.prompt == null && !input.given()) {
      throw new ParameterException(
          spec.commandLine(), "give --prompt TEXT, or --data/--text/--file to compare losses");
    }
    if (tuned == null && modelOptions.adapter == null) {
      throw new ParameterException(
          spec.commandLine(), "give TUNED, or --adapter DIR to put on BASE");
    }
    var settings = sampling.settings();
    String text = input.loadText();
    PrintWriter out = spec.commandLine().getOut();
    Map<String, Object> result = new LinkedHashMap<>();
    try (ModelPair pair =
        ModelPair.load(base, tuned, modelOptions.adapter, modelOptions.tokenizer)) {
      dev.anneal.infer.DecodeThreads.apply(pair.base().spec(), sampling.threads);
      if (sampling.prompt != null) {
        List<GenerationResult> r =
            Generator.sideBySide(
                List.of(pair.base(), pair.tuned()),
                sampling.toPrompt(),
                settings,
                GenerationListener.NONE,
                Cancellation.none());
        result.put(
            "generation",
            JsonObject.of(
                "base",
                Results.generation(r.get(0), settings.seed()),
                "tuned",
                Results.generation(r.get(1), settings.seed())));
        if (!json) printSide(out, "base", r.get(0));
        if (!json) printSide(out, "tuned", r.get(1));
      }
      if (input.given()) {
        EvalResult b = input.evaluate(pair.base(), text);
        EvalResult t = input.evaluate(pair.tuned(), text);
        result.putAll(Results.comparison(b, t));
        if (!json) Results.printComparison(out, b, t);
      }
    }
    if (json) out.println(Json.write(result));
    return 0;
  }

  private static void printSide(PrintWriter out, String side, GenerationResult r) {
    out.println("── " + side + ": " + r.label() + " ──");
    out.println(r.text());
    out.println(Results.stats(r));
    out.println();
  }
}
