package dev.anneal.train;

import java.nio.file.Path;

/**
 * How to run a preset: where its data and runs live, and what to start from.
 *
 * @param dataset     a prepared dataset folder (train.bin, val.bin, meta.json)
 * @param runsDir     where a new run folder is made
 * @param resume      a run folder to continue from its newest checkpoint, or null
 * @param init        weights to start from: a run folder (its best, else last checkpoint), a
 *                    checkpoint folder, or a Hugging Face folder; null to start from scratch
 * @param steps       overrides the preset's step count, or null
 * @param threads     CPU threads for libtorch, 0 for the default (all cores)
 * @param evalBatches validation micro batches per evaluation
 */
public record TrainOptions(Path dataset, Path runsDir, Path resume, Path init, Integer steps,
    int threads, int evalBatches) {

  public TrainOptions {
    if (evalBatches <= 0) evalBatches = 8;
  }

  public static TrainOptions of(Path dataset, Path runsDir) {
    return new TrainOptions(dataset, runsDir, null, null, null, 0, 8);
  }

  public TrainOptions withResume(Path run) {
    return new TrainOptions(dataset, runsDir, run, init, steps, threads, evalBatches);
  }

  public TrainOptions withInit(Path model) {
    return new TrainOptions(dataset, runsDir, resume, model, steps, threads, evalBatches);
  }

  public TrainOptions withSteps(Integer n) {
    return new TrainOptions(dataset, runsDir, resume, init, n, threads, evalBatches);
  }

  public TrainOptions withThreads(int n) {
    return new TrainOptions(dataset, runsDir, resume, init, steps, n, evalBatches);
  }
}
