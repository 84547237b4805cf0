package dev.anneal.preset;

/**
 * One phase of a multi-phase run, as listed under {@code training.phases}: what changes from the
 * phase before (sequence length, dataset, batch shape, learning-rate schedule, RoPE scaling) and
 * how long it lasts. Unset fields take the training section's value (the model's for {@code
 * rope_scaling}); see {@link PhasePlan} for how phases are laid out on the step axis.
 *
 * @param name names the phase in events, charts and {@code --data-phase NAME=DIR}
 * @param seqLen T for this phase, at most the model's context
 * @param data a prepared dataset folder: absolute, or beside the run's main dataset; null trains on
 *     the main dataset
 * @param microBatch sequences per micro batch in this phase (seed 003 halves it at 8K)
 * @param accumulation micro batches per optimizer step in this phase
 * @param lr peak rate of this phase's own schedule; setting any of lr, min_lr, warmup_steps or
 *     schedule gives the phase its own schedule over its steps
 * @param minLr floor of this phase's own schedule (default lr / 10 when lr is set)
 * @param warmupSteps warmup of this phase's own schedule (default 0: the model is warm)
 * @param schedule cosine, linear or constant, for this phase's own schedule
 * @param steps optimizer steps in this phase; give this or tokenShare
 * @param tokenShare share of the run's token budget (training.steps at the training section's batch
 *     shape) this phase trains on, in (0, 1]
 * @param ropeScaling RoPE scaling while this phase trains (seed 004's YaRN extension)
 */
public record PhaseSpec(
    String name,
    Integer seqLen,
    String data,
    Integer microBatch,
    Integer accumulation,
    Double lr,
    Double minLr,
    Integer warmupSteps,
    Schedule schedule,
    Integer steps,
    Double tokenShare,
    RopeScaling ropeScaling) {

  /** Whether the phase has its own learning-rate schedule instead of the run's. */
  public boolean ownSchedule() {
    return lr != null || minLr != null || warmupSteps != null || schedule != null;
  }
}
