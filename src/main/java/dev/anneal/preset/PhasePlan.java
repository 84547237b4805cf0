package dev.anneal.preset;

import java.util.ArrayList;
import java.util.List;

/**
 * A run's phases laid out on the global step axis, every setting resolved. A preset without {@code
 * training.phases} has one phase covering all its steps, with the training section's settings, so
 * the trainer treats every run alike.
 *
 * <p>A phase with {@code steps} runs that many optimizer steps. One with {@code token_share} runs
 * {@code round(share × budget / its tokens per step)} steps, where the budget is {@code
 * training.steps × micro_batch × accumulation × seq_len} of the training section: seed 003's "2K
 * context for 50% of tokens" keeps its meaning when later phases have longer sequences. The run
 * ends after the last phase.
 *
 * <p>A phase without its own schedule follows the training section's schedule laid over all the
 * run's steps (progressive context continues one cosine); one with its own restarts at its first
 * step (seed 002's code stage: its own warmup and peak).
 */
public record PhasePlan(List<Phase> phases, boolean phased) {

  /**
   * A phase with every setting resolved.
   *
   * @param start first global step (0-based) of the phase
   * @param end the global step after its last
   * @param scheduleStart the step its learning-rate schedule counts from (0: the run's schedule)
   * @param scheduleSteps steps its schedule spans (the run's, or the phase's own)
   * @param ropeScaling the RoPE scaling in effect, or null for plain RoPE or no RoPE
   */
  public record Phase(
      int index,
      String name,
      long start,
      long end,
      int seqLen,
      String data,
      int microBatch,
      int accumulation,
      double lr,
      double minLr,
      int warmupSteps,
      Schedule schedule,
      long scheduleStart,
      long scheduleSteps,
      RopeScaling ropeScaling) {

    public long steps() {
      return end - start;
    }

    public long tokensPerStep() {
      return (long) microBatch * accumulation * seqLen;
    }
  }

  public PhasePlan {
    phases = List.copyOf(phases);
  }

  /** The plan of a (validated) preset. */
  public static PhasePlan of(Preset p) {
    TrainingSpec t = p.training();
    ModelSpec m = p.model();
    int seq = t.seqLenOr(m.context());
    if (t.phases().isEmpty()) {
      return new PhasePlan(
          List.of(
              new Phase(
                  0,
                  "main",
                  0,
                  t.steps(),
                  seq,
                  null,
                  t.microBatch(),
                  t.accumulation(),
                  t.lr(),
                  t.minLr(),
                  t.warmupSteps(),
                  t.schedule(),
                  0,
                  t.steps(),
                  m.ropeScaling())),
          false);
    }
    double budget = (double) t.steps() * t.microBatch() * t.accumulation() * seq;
    long[] lengths = new long[t.phases().size()];
    long total = 0;
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = stepsOf(t.phases().get(i), t, seq, budget);
      total += lengths[i];
    }
    List<Phase> out = new ArrayList<>();
    long start = 0;
    for (int i = 0; i < lengths.length; i++) {
      PhaseSpec s = t.phases().get(i);
      long end = start + lengths[i];
      boolean own = s.ownSchedule();
      double lr = own && s.lr() != null ? s.lr() : t.lr();
      double minLr = s.minLr() != null ? s.minLr() : own && s.lr() != null ? lr / 10 : t.minLr();
      int warmup = own ? (s.warmupSteps() != null ? s.warmupSteps() : 0) : t.warmupSteps();
      out.add(
          new Phase(
              i,
              s.name(),
              start,
              end,
              or(s.seqLen(), seq),
              s.data(),
              or(s.microBatch(), t.microBatch()),
              or(s.accumulation(), t.accumulation()),
              lr,
              minLr,
              warmup,
              s.schedule() != null ? s.schedule() : t.schedule(),
              own ? start : 0,
              own ? lengths[i] : total,
              s.ropeScaling() != null ? s.ropeScaling() : m.ropeScaling()));
      start = end;
    }
    return new PhasePlan(out, true);
  }

  /** Steps of a phase: its own count, or its share of the token budget at its tokens per step. */
  static long stepsOf(PhaseSpec s, TrainingSpec t, int defaultSeq, double budget) {
    if (s.steps() != null) return s.steps();
    double perStep =
        (double) or(s.microBatch(), t.microBatch())
            * or(s.accumulation(), t.accumulation())
            * or(s.seqLen(), defaultSeq);
    return Math.max(1, Math.round(s.tokenShare() * budget / perStep));
  }

  /** All optimizer steps of the run. */
  public long totalSteps() {
    return phases.getLast().end();
  }

  /** The phase that step {@code step} (0-based) trains in; past the end, the last phase. */
  public Phase at(long step) {
    for (Phase ph : phases) if (step < ph.end()) return ph;
    return phases.getLast();
  }

  /** The longest sequence length the run trains at. */
  public int longestSeqLen() {
    return phases.stream().mapToInt(Phase::seqLen).max().orElseThrow();
  }

  private static int or(Integer v, int fallback) {
    return v != null ? v : fallback;
  }
}
