package dev.anneal.data;

import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.TokenizerTrainer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Sources to a dataset a preset can train on (the Datasets view's Build, and the Train view's first
 * start on the sample workspace): {@link DatasetBuilder} writes samples and stats, then a tokenizer
 * is trained on them (or the chosen one is used), then {@link DatasetPreparer} writes the token
 * shards. One cancellation covers all three; progress is reported as one bar across the stages.
 * Runs on the caller's thread (the view model's worker); knows nothing of the FX thread.
 */
public final class DatasetPipeline {
  /** Share of the overall bar each step takes: build, tokenizer, prepare. */
  private static final double[] SPAN = {0.0, 0.45, 0.65, 1.0};

  public static final String[] STEPS = {
    "Building samples", "Training the tokenizer", "Tokenizing and packing"
  };

  /** What was written. */
  public record Result(
      Path dir,
      DatasetStats stats,
      TokenizerTrainer.Summary tokenizer,
      DatasetPreparer.Summary prepared) {}

  /**
   * Overall progress: the step (0 build, 1 tokenizer, 2 prepare), the fraction of the whole in [0,
   * 1], and the underlying service's progress.
   */
  public record Overall(int step, double fraction, Progress detail) {
    public String stepName() {
      return STEPS[step];
    }
  }

  /** Receives overall progress from the worker thread. */
  @FunctionalInterface
  public interface Listener {
    void onProgress(Overall progress);
  }

  private final Listener listener;
  private final Cancellation cancel;
  private final int threads;

  public DatasetPipeline(Listener listener, Cancellation cancel, int threads) {
    this.listener = listener;
    this.cancel = cancel;
    this.threads = Math.max(1, threads);
  }

  /** Whether a folder holds prepared token shards. */
  public static boolean isPrepared(Path dir) {
    return java.nio.file.Files.isRegularFile(dir.resolve(TokenShards.META));
  }

  public Result run(DatasetRequest r) throws IOException {
    DatasetStats stats = new DatasetBuilder(r.build(), step(0), cancel).build(r.sources(), r.out());
    cancel.check();
    Path tokenizerFile = r.tokenizer();
    TokenizerTrainer.Summary trained = null;
    if (r.trainsTokenizer()) {
      tokenizerFile = r.out().resolve("tokenizer.json");
      trained = TokenizerTrainer.train(r.out(), r.vocabSize(), tokenizerFile, step(1), cancel);
    }
    cancel.check();
    PrepareOptions p = r.prepare();
    PrepareOptions withTokenizer =
        new PrepareOptions(
            tokenizerFile.toString(),
            p.seqLen(),
            p.fimRate(),
            p.fimSpmRate(),
            p.valFraction(),
            p.seed());
    DatasetPreparer.Summary prepared =
        new DatasetPreparer(step(2), cancel, threads).prepare(r.out(), withTokenizer);
    java.util.Map<String, Long> totals =
        new java.util.TreeMap<>(
            java.util.Map.of(
                "samples",
                stats.samples(),
                "tokens",
                prepared.trainTokens() + prepared.valTokens(),
                "vocab",
                (long) prepared.vocabSize()));
    if (trained != null) totals.put("merges", (long) trained.merges());
    listener.onProgress(new Overall(2, 1.0, new Progress("done", 1, 1, totals, 0)));
    return new Result(r.out(), stats, trained, prepared);
  }

  /** Maps a service's own progress onto its span of the overall bar. */
  private ProgressListener step(int i) {
    // A step's stages each count from zero (extract, then dedup): the bar only moves forward.
    java.util.concurrent.atomic.DoubleAccumulator furthest =
        new java.util.concurrent.atomic.DoubleAccumulator(Math::max, 0);
    return p -> {
      furthest.accumulate(p.fraction() < 0 ? 0 : p.fraction());
      listener.onProgress(new Overall(i, SPAN[i] + furthest.get() * (SPAN[i + 1] - SPAN[i]), p));
    };
  }
}
