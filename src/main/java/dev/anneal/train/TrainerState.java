package dev.anneal.train;

/**
 * Everything beyond weights and optimizer moments that a resumed run needs to continue exactly
 * where it stopped, as {@code trainer_state.json} in each checkpoint. The data order is a pure
 * function of (seed, step) (see {@link BatchSampler}) and dropout is reseeded per step, so no
 * generator state needs saving.
 *
 * @param step          optimizer steps done
 * @param tokens        training tokens consumed
 * @param seed          the run's seed (data order, initialisation, per-step dropout)
 * @param lrScale       multiplier on the schedule after loss-spike rollbacks (1 without any)
 * @param rollbacks     rollbacks made so far
 * @param nanSkips      updates skipped for a non-finite loss or gradient
 * @param lossAverage   running mean of the training loss for spike detection, or NaN before any
 * @param bestValLoss   lowest validation loss so far, or NaN before the first evaluation
 * @param elapsedSeconds training time so far, across restarts
 * @param updates       optimizer updates made (steps less skips): AdamW's bias-correction t
 */
public record TrainerState(long step, long tokens, long seed, double lrScale, int rollbacks,
    int nanSkips, double lossAverage, double bestValLoss, double elapsedSeconds, long updates) {

  public static TrainerState start(long seed) {
    return new TrainerState(0, 0, seed, 1.0, 0, 0, Double.NaN, Double.NaN, 0, 0);
  }

  TrainerState advanced(long tokensAdded, double newAverage, double seconds) {
    return new TrainerState(step + 1, tokens + tokensAdded, seed, lrScale, rollbacks, nanSkips,
        newAverage, bestValLoss, elapsedSeconds + seconds, updates + 1);
  }

  TrainerState skipped(long tokensAdded, double seconds) {
    return new TrainerState(step + 1, tokens + tokensAdded, seed, lrScale, rollbacks,
        nanSkips + 1, lossAverage, bestValLoss, elapsedSeconds + seconds, updates);
  }

  TrainerState withBest(double valLoss) {
    return new TrainerState(step, tokens, seed, lrScale, rollbacks, nanSkips, lossAverage, valLoss,
        elapsedSeconds, updates);
  }

  /** After a rollback to {@code restored}: its position and moments, this run's counters, a cut rate. */
  TrainerState rolledBack(TrainerState restored, double lrCut) {
    return new TrainerState(restored.step, restored.tokens, seed, lrScale * lrCut, rollbacks + 1,
        nanSkips, restored.lossAverage, bestValLoss, elapsedSeconds, restored.updates);
  }
}
