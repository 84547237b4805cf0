package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * Optimisation, schedule, stability and checkpoint settings.
 *
 * <p>Steps come from {@code steps}, or from {@code epochs × stepsPerEpoch} when both are given
 * (seed 002 speaks in epochs of N steps). Warmup is {@code warmupSteps}, or {@code warmupRatio} of
 * all steps (seed 000: 0.03).
 *
 * @param stage a name for the stage: {@code pretrain}, {@code language} and {@code code} (seed
 *     002), {@code cpt} (continued pre-training)
 * @param microBatch sequences per device per forward pass
 * @param accumulation micro batches per optimizer step
 * @param seqLen training sequence length; defaults to the model's context
 * @param precision the number format, see {@link Precision}
 * @param activationCheckpointing recompute each layer in the backward pass instead of storing it
 * @param flashAttention fused attention (no T×T score matrix kept); DeepSpeed bundles only
 * @param lossClamp losses above this are clamped before backward (seed 002), or null
 * @param spikeFactor a loss above spikeFactor × running mean rolls back (seed 003: 2)
 * @param spikeLrCut learning-rate multiplier after a rollback (seed 003: 0.5)
 * @param phases phases run in order in one run folder (see {@link PhasePlan}), empty for a
 *     single-phase run
 */
public record TrainingSpec(
    String stage,
    Integer steps,
    Integer epochs,
    Integer stepsPerEpoch,
    Integer microBatch,
    Integer accumulation,
    Integer seqLen,
    Double lr,
    Double minLr,
    Schedule schedule,
    Integer warmupSteps,
    Double warmupRatio,
    Double weightDecay,
    Boolean decayEmbeddings,
    Double beta1,
    Double beta2,
    Double eps,
    Double clip,
    Precision precision,
    Boolean activationCheckpointing,
    Boolean flashAttention,
    Boolean compile,
    Boolean packing,
    Integer logEvery,
    Integer evalEvery,
    Integer checkpointEvery,
    Integer keepLast,
    Boolean nanSkip,
    Double lossClamp,
    Double spikeFactor,
    Double spikeLrCut,
    Integer maxRollbacks,
    Long seed,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<PhaseSpec> phases) {

  public static final TrainingSpec DEFAULT =
      new TrainingSpec(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
          null, null, null, null);

  public TrainingSpec {
    if (stage == null) stage = "pretrain";
    if (steps == null && epochs != null && stepsPerEpoch != null) steps = epochs * stepsPerEpoch;
    if (steps == null) steps = 1000;
    if (microBatch == null) microBatch = 8;
    if (accumulation == null) accumulation = 1;
    if (lr == null) lr = 3e-4;
    if (minLr == null) minLr = lr / 10;
    if (schedule == null) schedule = Schedule.COSINE;
    if (warmupSteps == null) {
      warmupSteps = warmupRatio != null ? (int) Math.round(warmupRatio * steps) : 0;
    }
    if (weightDecay == null) weightDecay = 0.1;
    if (decayEmbeddings == null) decayEmbeddings = false;
    if (beta1 == null) beta1 = 0.9;
    if (beta2 == null) beta2 = 0.95;
    if (eps == null) eps = 1e-8;
    if (clip == null) clip = 1.0;
    if (precision == null) precision = Precision.FP32;
    if (activationCheckpointing == null) activationCheckpointing = false;
    if (flashAttention == null) flashAttention = false;
    if (compile == null) compile = false;
    if (packing == null) packing = true;
    if (logEvery == null) logEvery = 10;
    if (evalEvery == null) evalEvery = 200;
    if (checkpointEvery == null) checkpointEvery = 500;
    if (keepLast == null) keepLast = 3;
    if (nanSkip == null) nanSkip = true;
    if (spikeFactor == null) spikeFactor = 2.0;
    if (spikeLrCut == null) spikeLrCut = 0.5;
    if (maxRollbacks == null) maxRollbacks = 3;
    if (seed == null) seed = 1337L;
    phases = phases == null ? List.of() : List.copyOf(phases);
  }

  /** Sequence length used for training: {@code seqLen}, else the model's context. */
  public int seqLenOr(int context) {
    return seqLen != null ? seqLen : context;
  }

  /**
   * A copy with some settings changed; a null argument keeps the current value. Steps and warmup
   * are carried as resolved numbers.
   */
  public TrainingSpec with(
      Integer newMicroBatch,
      Integer newAccumulation,
      Precision newPrecision,
      Boolean newCheckpointing) {
    return new TrainingSpec(
        stage,
        steps,
        null,
        null,
        newMicroBatch != null ? newMicroBatch : microBatch,
        newAccumulation != null ? newAccumulation : accumulation,
        seqLen,
        lr,
        minLr,
        schedule,
        warmupSteps,
        null,
        weightDecay,
        decayEmbeddings,
        beta1,
        beta2,
        eps,
        clip,
        newPrecision != null ? newPrecision : precision,
        newCheckpointing != null ? newCheckpointing : activationCheckpointing,
        flashAttention,
        compile,
        packing,
        logEvery,
        evalEvery,
        checkpointEvery,
        keepLast,
        nanSkip,
        lossClamp,
        spikeFactor,
        spikeLrCut,
        maxRollbacks,
        seed,
        phases);
  }

  /** A copy running {@code n} steps (warmup capped to fit). */
  public TrainingSpec withSteps(int n) {
    return new TrainingSpec(
        stage,
        n,
        null,
        null,
        microBatch,
        accumulation,
        seqLen,
        lr,
        minLr,
        schedule,
        Math.min(warmupSteps, n),
        null,
        weightDecay,
        decayEmbeddings,
        beta1,
        beta2,
        eps,
        clip,
        precision,
        activationCheckpointing,
        flashAttention,
        compile,
        packing,
        logEvery,
        evalEvery,
        checkpointEvery,
        keepLast,
        nanSkip,
        lossClamp,
        spikeFactor,
        spikeLrCut,
        maxRollbacks,
        seed,
        phases);
  }
}
