package dev.anneal.train;

/**
 * Everything beyond weights and optimizer moments that a resumed run needs to continue exactly
 * where it stopped, as {@code trainer_state.json} in each checkpoint. The data order is a pure
 * function of (seed, step) (see {@link BatchSampler}) and dropout is reseeded per step, so no
 * generator state needs saving.
 *
 * @param step optimizer steps done
 * @param tokens training tokens consumed
 * @param seed the run's seed (data order, initialisation, per-step dropout)
 * @param lrScale multiplier on the schedule after loss-spike rollbacks (1 without any)
 * @param rollbacks rollbacks made so far
 * @param nanSkips updates skipped for a non-finite loss or gradient
 * @param lossAverage running mean of the training loss for spike detection, or NaN before any
 * @param bestValLoss lowest validation loss so far, or NaN before the first evaluation
 * @param elapsedSeconds training time so far, across restarts
 * @param updates optimizer updates made (steps less skips): AdamW's bias-correction t
 * @param phase index of the training phase the last step trained in (0 without phases)
 * @param phaseStep steps done in that phase: its data cursor, as each phase's data order is a pure
 *     function of (seed, phase, phaseStep)
 */
public record TrainerState(
    long step,
    long tokens,
    long seed,
    double lrScale,
    int rollbacks,
    int nanSkips,
    double lossAverage,
    double bestValLoss,
    double elapsedSeconds,
    long updates,
    int phase,
    long phaseStep) {

  public static TrainerState start(long seed) {
    return new TrainerState(0, 0, seed, 1.0, 0, 0, Double.NaN, Double.NaN, 0, 0, 0, 0);
  }

  /**
   * About to train in phase {@code index}, which began at step {@code start}. Entering a phase at
   * its first step also forgets the loss mean and the best validation loss: a new dataset or
   * sequence length moves both, and neither compares across phases.
   */
  TrainerState inPhase(int index, long start) {
    boolean entering = step == start && (phase != index || phaseStep != 0);
    return new TrainerState(
        step,
        tokens,
        seed,
        lrScale,
        rollbacks,
        nanSkips,
        entering ? Double.NaN : lossAverage,
        entering ? Double.NaN : bestValLoss,
        elapsedSeconds,
        updates,
        index,
        step - start);
  }

  TrainerState advanced(long tokensAdded, double newAverage, double seconds) {
    return new TrainerState(
        step + 1,
        tokens + tokensAdded,
        seed,
        lrScale,
        rollbacks,
        nanSkips,
        newAverage,
        bestValLoss,
        elapsedSeconds + seconds,
        updates + 1,
        phase,
        phaseStep + 1);
  }

  TrainerState skipped(long tokensAdded, double seconds) {
    return new TrainerState(
        step + 1,
        tokens + tokensAdded,
        seed,
        lrScale,
        rollbacks,
        nanSkips + 1,
        lossAverage,
        bestValLoss,
        elapsedSeconds + seconds,
        updates,
        phase,
        phaseStep + 1);
  }

  TrainerState withBest(double valLoss) {
    return new TrainerState(
        step,
        tokens,
        seed,
        lrScale,
        rollbacks,
        nanSkips,
        lossAverage,
        valLoss,
        elapsedSeconds,
        updates,
        phase,
        phaseStep);
  }

  /**
   * After a rollback to {@code restored}: its position and moments, this run's counters, a cut
   * rate.
   */
  TrainerState rolledBack(TrainerState restored, double lrCut) {
    return new TrainerState(
        restored.step,
        restored.tokens,
        seed,
        lrScale * lrCut,
        rollbacks + 1,
        nanSkips,
        restored.lossAverage,
        bestValLoss,
        elapsedSeconds,
        restored.updates,
        restored.phase,
        restored.phaseStep);
  }

  /** Seconds left to {@code steps} at the average pace so far; -1 before the first step. */
  double etaSeconds(long steps) {
    if (step == 0) return -1;
    return elapsedSeconds / step * (steps - step);
  }

  /** What the time so far cost on {@code h}'s devices; null without a price per device hour. */
  Double cost(dev.anneal.preset.HardwareSpec h) {
    Double price = h.pricePerDeviceHour();
    return price == null ? null : elapsedSeconds / 3600 * h.totalDevices() * price;
  }
}
