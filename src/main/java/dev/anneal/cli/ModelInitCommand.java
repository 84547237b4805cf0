package dev.anneal.cli;

import ai.djl.ndarray.NDManager;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.Preset;
import dev.anneal.preset.estimate.ParameterCount;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal model init PRESET --out DIR}: a randomly initialised Hugging Face folder. */
@Command(
    name = "init",
    description = "Write a randomly initialised model of a preset as a Hugging Face folder.")
final class ModelInitCommand implements Callable<Integer> {
  /** Initialisation builds every weight in memory twice (libtorch, then Java for writing). */
  private static final long MAX_PARAMS = 3_000_000_000L;

  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "PRESET",
      description = "A built-in or user preset name, or a preset file.")
  String preset;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "The folder to write.")
  Path out;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "A tokenizer.json to copy in.")
  Path tokenizer;

  @Option(
      names = "--dtype",
      paramLabel = "f32|bf16|f16",
      description = "Stored precision (default ${DEFAULT-VALUE}).")
  String dtype = "f32";

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "Initialisation seed (default: the preset's).")
  Long seed;

  @Override
  public Integer call() throws Exception {
    Preset p = Presets.registry().resolve(preset);
    long n = ParameterCount.of(p.model(), null).total();
    if (n > MAX_PARAMS) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "%s has %,d parameters: initialising it here would need about %.0f GB of RAM; "
                  + "start from a published checkpoint instead",
              p.name(),
              n,
              n * 8 / 1e9));
    }
    if (tokenizer != null && !Files.isRegularFile(tokenizer)) {
      throw new IllegalArgumentException(tokenizer + ": no such tokenizer file");
    }
    DType type =
        switch (dtype.toLowerCase(Locale.ROOT)) {
          case "f32", "fp32", "float32" -> DType.F32;
          case "bf16", "bfloat16" -> DType.BF16;
          case "f16", "fp16", "float16" -> DType.F16;
          default ->
              throw new IllegalArgumentException("--dtype must be f32, bf16 or f16, not " + dtype);
        };
    try (NDManager manager = NDManager.newBaseManager();
        CausalLm model =
            CausalLm.create(p.model(), null, manager, seed != null ? seed : p.training().seed())) {
      HfFolder.save(out, p.model(), TensorSource.of(model.exportWeights()), tokenizer, type);
    }
    spec.commandLine()
        .getOut()
        .printf(
            Locale.ROOT,
            "%s: %s, %d layers, hidden %d, %,d parameters (%s)%n",
            out,
            p.model().hfModelType(),
            p.model().layers(),
            p.model().hidden(),
            n,
            type);
    return 0;
  }
}
