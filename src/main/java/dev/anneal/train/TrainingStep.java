package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.anneal.model.CausalLm;
import dev.anneal.preset.TrainingSpec;
import java.util.List;
import java.util.Map;

/**
 * One optimizer step as the trainer takes it, and as {@code anneal bench train} times it (the bench
 * calls this, not a copy): the passes over the micro batches with clipping ({@link StepRunner}),
 * then either the update — AdamW, gradients zeroed, the MoE routing bias moved — or, for a step the
 * trainer throws away (a non-finite loss, a loss spike), just the zeroing. Everything a step
 * creates lives in the manager it is given; close that after the step.
 */
final class TrainingStep implements AutoCloseable {
  private final CausalLm model;
  private final StepRunner runner;
  private final AdamW optimizer;

  /**
   * @param checkpointing recompute each block's activations in the backward pass instead of keeping
   *     them ({@code training.activation_checkpointing})
   * @param split each micro batch's halves on two threads at once ({@link CpuSplit#forRun}), or
   *     null; closed with this step
   */
  TrainingStep(
      CausalLm model,
      Map<String, NDArray> params,
      Double lossClamp,
      boolean checkpointing,
      AdamW optimizer,
      CpuSplit split) {
    this.model = model;
    this.runner = new StepRunner(model, params, lossClamp, checkpointing, split);
    this.optimizer = optimizer;
  }

  /**
   * The step of a run with training spec {@code t}: its loss clamp and activation checkpointing.
   */
  static TrainingStep forRun(
      CausalLm model,
      Map<String, NDArray> params,
      TrainingSpec t,
      AdamW optimizer,
      CpuSplit split) {
    return new TrainingStep(
        model, params, t.lossClamp(), t.activationCheckpointing(), optimizer, split);
  }

  /** Forward and backward over the micro batches; the clipped gradients stay on the parameters. */
  StepRunner.Outcome passes(List<Batch> micro, double clip, NDManager step) {
    return runner.run(micro, clip, step);
  }

  /** Applies the gradients at learning rate {@code lr}, then zeroes them. */
  void update(StepRunner.Outcome out, double lr, NDManager step) {
    runner.update(optimizer, lr, step);
    if (!out.routing().isEmpty()) model.updateRoutingBias(out.routing());
  }

  /** Throws this step's gradients away. */
  void discard(NDManager step) {
    runner.zeroGradients(step);
  }

  /** Multiplies the next step's loss by {@code factor} (the test seam for NaN skips and spikes). */
  void distortNextStep(float factor) {
    runner.distortNextStep(factor);
  }

  /** True when each micro batch runs as two halves on two threads ({@link CpuSplit}). */
  boolean splitsMicroBatches() {
    return runner.splits();
  }

  /** Stops the split's threads, if any. */
  @Override
  public void close() {
    runner.close();
  }
}
