package dev.anneal.data;

import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.tokenizer.TokenizerTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Source folders to a dataset a preset can train on, in one call: build (scan, extract, dedup),
 * train a tokenizer unless one is given, prepare the token shards. What the studio runs when a
 * person presses Train on a workspace that has no dataset yet, and what the Datasets view's
 * Build button runs.
 *
 * @param vocabSize vocabulary of the trained tokenizer (the preset's model vocabulary)
 * @param tokenizer an existing tokenizer.json to use instead of training one, or null
 */
public record DatasetPipeline(BuildOptions build, int vocabSize, Path tokenizer, int seqLen,
    double fimRate, double fimSpmRate, double valFraction, long seed) {

  /** Defaults for a model with this vocabulary and context. */
  public static DatasetPipeline forModel(int vocabSize, int seqLen) {
    return new DatasetPipeline(BuildOptions.defaults(), vocabSize, null, seqLen, 0.0, 0.5, 0.05, 1);
  }

  /** Whether a folder holds prepared token shards. */
  public static boolean isPrepared(Path dir) {
    return Files.isRegularFile(dir.resolve(TokenShards.META));
  }

  /** Runs the three stages into {@code out}; progress and cancel go through to each stage. */
  public DatasetPreparer.Summary run(List<Path> sources, Path out, ProgressListener listener,
      Cancellation cancel, int threads) throws IOException {
    new DatasetBuilder(build, listener, cancel).build(sources, out);
    cancel.check();
    Path tok = tokenizer;
    if (tok == null) {
      tok = out.resolve("tokenizer.json");
      TokenizerTrainer.train(out, vocabSize, tok, listener, cancel);
    }
    cancel.check();
    PrepareOptions prepare = new PrepareOptions(tok.toString(), seqLen, fimRate, fimSpmRate, valFraction, seed);
    return new DatasetPreparer(listener, cancel, threads).prepare(out, prepare);
  }
}
