package dev.anneal.data;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.BpeTrainer;
import dev.anneal.tokenizer.TokenizerJson;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The data pipeline end to end on a generated corpus, timed: build (scan, extract, dedup; {@code
 * repeat} times in this JVM, the first one cold), write, tokenizer training and prepare. {@code
 * anneal bench data} prints its lines; the installer's AOT cache records a small run of it.
 */
public final class DataBench {
  /**
   * @param mb corpus size in MB
   * @param repeat build runs
   * @param threads threads for build and prepare
   * @param tokenizerMb text the tokenizer trains on, in MB
   * @param vocabSize tokenizer vocabulary
   * @param seqLen prepare's sequence length
   * @param fimRate prepare's FIM rate
   */
  public record Options(
      int mb, int repeat, int threads, int tokenizerMb, int vocabSize, int seqLen, double fimRate) {
    public static final int TOKENIZER_MB = 8;
    public static final int VOCAB_SIZE = 16384;
    public static final int SEQ_LEN = 1024;
    public static final double FIM_RATE = 0.5;

    /**
     * {@code mb}, {@code repeat} and {@code threads} as given, the rest at the bench's defaults.
     */
    public static Options withDefaults(int mb, int repeat, int threads) {
      return new Options(mb, repeat, threads, TOKENIZER_MB, VOCAB_SIZE, SEQ_LEN, FIM_RATE);
    }
  }

  private DataBench() {}

  /**
   * Runs in {@code work} (a scratch folder the caller removes); each figure goes to {@code out}.
   */
  public static void run(Options o, Path work, Consumer<String> out) throws IOException {
    Path repo = work.resolve("repo");
    Path ds = work.resolve("dataset");
    long t = System.nanoTime();
    long bytes = new SyntheticCorpus(42).write(repo, o.mb() * 1_000_000L);
    out.accept(String.format("generated      %8.1f MB in %6.1f s", bytes / 1e6, secs(t)));

    BuildOptions bo =
        new BuildOptions(
            BuildOptions.defaults().scan(),
            2048,
            0.85,
            BuildOptions.defaults().quality(),
            o.threads());
    DatasetBuilder builder = new DatasetBuilder(bo, ProgressListener.NONE, Cancellation.none());
    DatasetBuilder.Built built = null;
    for (int run = 1; run <= o.repeat(); run++) {
      t = System.nanoTime();
      built = builder.collect(List.of(repo));
      double buildSecs = secs(t);
      out.accept(
          String.format(
              "build (run %d)  %8.1f MB/s  (scan+extract+dedup: %.1f MB, %d samples, %d exact + %d near duplicates, %.1f s, %d threads%s)",
              run,
              built.stats().bytesScanned() / 1e6 / buildSecs,
              built.stats().bytesScanned() / 1e6,
              built.samples().size(),
              built.stats().exactDuplicates(),
              built.stats().nearDuplicates(),
              buildSecs,
              o.threads(),
              run == 1 ? ", cold JVM" : ""));
      StringBuilder stages = new StringBuilder("  stages:");
      builder
          .lastStageSeconds()
          .forEach((k, v) -> stages.append(String.format(" %s %.2f s,", k, v)));
      out.accept(stages.substring(0, stages.length() - 1));
    }
    t = System.nanoTime();
    builder.write(ds, built);
    out.accept(String.format("write samples  %8.1f s", secs(t)));

    List<String> texts = new ArrayList<>();
    long chars = 0;
    for (Sample s : built.samples()) {
      if (chars >= o.tokenizerMb() * 1_000_000L) break;
      if (s.kind() == SampleKind.FILE || s.kind() == SampleKind.TEXT) {
        texts.add(s.text());
        chars += s.text().length();
      }
    }
    t = System.nanoTime();
    var trained =
        new BpeTrainer(o.vocabSize(), 2).train(texts, ProgressListener.NONE, Cancellation.none());
    TokenizerJson.write(ds.resolve("tokenizer.json"), trained);
    out.accept(
        String.format(
            "tokenizer      %8.1f s    (vocab %d from %.1f MB of text)",
            secs(t), trained.symbols().size() + 6, chars / 1e6));

    t = System.nanoTime();
    var s =
        new DatasetPreparer(ProgressListener.NONE, Cancellation.none(), o.threads())
            .prepare(
                ds,
                new PrepareOptions(
                    ds.resolve("tokenizer.json").toString(),
                    o.seqLen(),
                    o.fimRate(),
                    0.5,
                    0.05,
                    1));
    double prepSecs = secs(t);
    long tokens = s.trainTokens() + s.valTokens() - s.paddingTokens();
    out.accept(
        String.format(
            "prepare        %8.2f M tokens/s  (%.1f M tokens, %d FIM documents, %.1f s, %d threads)",
            tokens / 1e6 / prepSecs, tokens / 1e6, s.fimDocuments(), prepSecs, o.threads()));
  }

  private static double secs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }
}
