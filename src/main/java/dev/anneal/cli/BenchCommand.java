package dev.anneal.cli;

import dev.anneal.data.BuildOptions;
import dev.anneal.data.DatasetBuilder;
import dev.anneal.data.DatasetPreparer;
import dev.anneal.data.PrepareOptions;
import dev.anneal.data.SyntheticCorpus;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.io.AtomicFiles;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.BpeTrainer;
import dev.anneal.tokenizer.TokenizerJson;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    int vocabSize = 16384;

    @Option(
        names = "--tokenizer-mb",
        paramLabel = "MB",
        description = "Text the tokenizer trains on (default ${DEFAULT-VALUE}).")
    int tokenizerMb = 8;

    @Option(
        names = "--seq-len",
        paramLabel = "N",
        description = "Sequence length (default ${DEFAULT-VALUE}).")
    int seqLen = 1024;

    @Option(
        names = "--fim-rate",
        paramLabel = "R",
        description = "FIM rate (default ${DEFAULT-VALUE}).")
    double fimRate = 0.5;

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
        Path repo = work.resolve("repo");
        Path ds = work.resolve("dataset");
        long t = System.nanoTime();
        long bytes = new SyntheticCorpus(42).write(repo, mb * 1_000_000L);
        out.printf("generated      %8.1f MB in %6.1f s%n", bytes / 1e6, secs(t));

        BuildOptions bo =
            new BuildOptions(
                BuildOptions.defaults().scan(),
                2048,
                0.85,
                BuildOptions.defaults().quality(),
                threads);
        DatasetBuilder builder = new DatasetBuilder(bo, ProgressListener.NONE, Cancellation.none());
        DatasetBuilder.Built built = null;
        for (int run = 1; run <= repeat; run++) {
          t = System.nanoTime();
          built = builder.collect(List.of(repo));
          double buildSecs = secs(t);
          out.printf(
              "build (run %d)  %8.1f MB/s  (scan+extract+dedup: %.1f MB, %d samples, %d exact + %d near duplicates, %.1f s, %d threads%s)%n",
              run,
              built.stats().bytesScanned() / 1e6 / buildSecs,
              built.stats().bytesScanned() / 1e6,
              built.samples().size(),
              built.stats().exactDuplicates(),
              built.stats().nearDuplicates(),
              buildSecs,
              threads,
              run == 1 ? ", cold JVM" : "");
          StringBuilder stages = new StringBuilder("  stages:");
          builder
              .lastStageSeconds()
              .forEach((k, v) -> stages.append(String.format(" %s %.2f s,", k, v)));
          out.println(stages.substring(0, stages.length() - 1));
        }
        t = System.nanoTime();
        builder.write(ds, built);
        out.printf("write samples  %8.1f s%n", secs(t));

        List<String> texts = new ArrayList<>();
        long chars = 0;
        for (Sample s : built.samples()) {
          if (chars >= tokenizerMb * 1_000_000L) break;
          if (s.kind() == SampleKind.FILE || s.kind() == SampleKind.TEXT) {
            texts.add(s.text());
            chars += s.text().length();
          }
        }
        t = System.nanoTime();
        var trained =
            new BpeTrainer(vocabSize, 2).train(texts, ProgressListener.NONE, Cancellation.none());
        TokenizerJson.write(ds.resolve("tokenizer.json"), trained);
        out.printf(
            "tokenizer      %8.1f s    (vocab %d from %.1f MB of text)%n",
            secs(t), trained.symbols().size() + 6, chars / 1e6);

        t = System.nanoTime();
        var s =
            new DatasetPreparer(ProgressListener.NONE, Cancellation.none(), threads)
                .prepare(
                    ds,
                    new PrepareOptions(
                        ds.resolve("tokenizer.json").toString(), seqLen, fimRate, 0.5, 0.05, 1));
        double prepSecs = secs(t);
        long tokens = s.trainTokens() + s.valTokens() - s.paddingTokens();
        out.printf(
            "prepare        %8.2f M tokens/s  (%.1f M tokens, %d FIM documents, %.1f s, %d threads)%n",
            tokens / 1e6 / prepSecs, tokens / 1e6, s.fimDocuments(), prepSecs, threads);
        if (keep) out.println("kept " + work);
      } finally {
        if (!keep) AtomicFiles.deleteRecursively(work);
      }
      return 0;
    }

    private static double secs(long t0) {
      return (System.nanoTime() - t0) / 1e9;
    }
  }
}
