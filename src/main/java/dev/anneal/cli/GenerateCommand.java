package dev.anneal.cli;

import dev.anneal.infer.GenerationResult;
import dev.anneal.infer.Generator;
import dev.anneal.infer.LoadedLm;
import dev.anneal.infer.ModelLoader;
import dev.anneal.task.Cancellation;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal generate MODEL --prompt TEXT}: streams a continuation to stdout. */
@Command(
    name = "generate",
    description = "Continue a prompt with a model, streaming the text as it comes.")
final class GenerateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "MODEL",
      description =
          "A Hugging Face folder, a run folder (its best, else last checkpoint), a checkpoint folder, or untrained:RUN.")
  Path model;

  @Mixin ModelOptions modelOptions;
  @Mixin SamplingOptions sampling;

  @Option(names = "--json", description = "Print one JSON object at the end instead of streaming.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (sampling.prompt == null)
      throw new ParameterException(spec.commandLine(), "--prompt TEXT is required");
    Cli.quietLibtorch(spec);
    PrintWriter out = spec.commandLine().getOut();
    var settings = sampling.settings();
    try (LoadedLm lm = ModelLoader.load(model, modelOptions.adapter, modelOptions.tokenizer)) {
      dev.anneal.infer.DecodeThreads.apply(lm.model().spec(), sampling.threads);
      GenerationResult r =
          Generator.generate(
              lm.view(),
              sampling.toPrompt(),
              settings,
              (side, e) -> {
                if (!json && !e.text().isEmpty()) {
                  out.print(e.text());
                  out.flush();
                }
              },
              Cancellation.none());
      if (json) {
        out.println(Json.write(Results.generation(r, settings.seed())));
      } else {
        out.println();
        spec.commandLine().getErr().println(Results.stats(r));
      }
    }
    return 0;
  }
}
