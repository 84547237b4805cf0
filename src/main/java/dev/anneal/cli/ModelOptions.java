package dev.anneal.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How MODEL is completed: an adapter on it, another tokenizer. */
final class ModelOptions {
  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description =
          "A LoRA adapter to put on the model: a PEFT folder, or an Anneal LoRA run or checkpoint.")
  Path adapter;

  @Option(
      names = "--tokenizer",
      paramLabel = "FILE",
      description = "tokenizer.json to use (default: the model's, or its run's dataset's).")
  Path tokenizer;
}
