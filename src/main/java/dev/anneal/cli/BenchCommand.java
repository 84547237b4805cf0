package dev.anneal.cli;

import dev.anneal.data.DataBench;
import dev.anneal.io.AtomicFiles;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code anneal bench ...}: speed figures, printed; not tests. */
@Command(
    name = "bench",
    description = "Measure speed and print figures.",
    subcommands = {
      BenchCommand.Data.class,
      BenchTrainCommand.class,
      BenchModelCommand.class,
      BenchGenerateCommand.class
    })
final class BenchCommand {

  @Command(
      name = "data",
      description =
          "Generate a corpus, then time build (scan+extract+dedup), tokenizer training and prepare.")
  static final class Data implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--mb",
        paramLabel = "MB",
        description = "Corpus size in MB (default ${DEFAULT-VALUE}).")
    int mb = 50;

    @Option(
        names = "--vocab-size",
        paramLabel = "N",
        description = "Tokenizer vocabulary (default ${DEFAULT-VALUE}).")
    int vocabSize = DataBench.Options.VOCAB_SIZE;

    @Option(
        names = "--tokenizer-mb",
        paramLabel = "MB",
        description = "Text the tokenizer trains on (default ${DEFAULT-VALUE}).")
    int tokenizerMb = DataBench.Options.TOKENIZER_MB;

    @Option(
        names = "--seq-len",
        paramLabel = "N",
        description = "Sequence length (default ${DEFAULT-VALUE}).")
    int seqLen = DataBench.Options.SEQ_LEN;

    @Option(
        names = "--fim-rate",
        paramLabel = "R",
        description = "FIM rate (default ${DEFAULT-VALUE}).")
    double fimRate = DataBench.Options.FIM_RATE;

    @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(
        names = "--repeat",
        paramLabel = "N",
        description = "Build runs; the first includes JIT warm-up (default ${DEFAULT-VALUE}).")
    int repeat = 2;

    @Option(names = "--keep", description = "Keep the generated folder and print where it is.")
    boolean keep;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      Path work = Files.createTempDirectory("anneal-bench-data-");
      try {
        DataBench.run(
            new DataBench.Options(mb, repeat, threads, tokenizerMb, vocabSize, seqLen, fimRate),
            work,
            out::println);
        if (keep) out.println("kept " + work);
      } finally {
        if (!keep) AtomicFiles.deleteRecursively(work);
      }
      return 0;
    }
  }
}
