package dev.anneal.train;

import dev.anneal.metrics.RunEvent;
import dev.anneal.preset.PhasePlan;
import dev.anneal.preset.RopeScaling;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The trainer's words about phases: the boundary event, the resume line, the resume check. */
final class Phases {
  private Phases() {}

  /**
   * The {@code phase} event when step {@code step} is the first of phase {@code ph} in a run with
   * phases, else null. Its details carry what the charts and the run history read back.
   */
  static RunEvent entered(PhasePlan plan, PhasePlan.Phase ph, long step) {
    if (!plan.phased() || step != ph.start()) return null;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("phase", ph.name());
    details.put("index", ph.index());
    details.put("steps", ph.steps());
    details.put("seq_len", ph.seqLen());
    details.put("micro_batch", ph.microBatch());
    details.put("accumulation", ph.accumulation());
    details.put("lr", ph.lr());
    if (ph.data() != null) details.put("data", ph.data());
    if (ph.ropeScaling() != null) details.put("rope_scaling", rope(ph.ropeScaling()));
    return new RunEvent(step, Instant.now(), RunEvent.PHASE, describe(plan, ph, step), details);
  }

  /**
   * "phase 2/3 'ctx-4k' from step 500 to 800: seq_len 4096, 4 × 2 sequences a step, lr 1.00e-04 …".
   */
  static String describe(PhasePlan plan, PhasePlan.Phase ph, long step) {
    String where =
        step == ph.start()
            ? "from step " + ph.start()
            : "resumed at step " + step + " (began at " + ph.start() + ")";
    return String.format(
        Locale.ROOT,
        "phase %d/%d '%s' %s to %d: seq_len %d, %d × %d sequences a step, lr %.2e%s%s",
        ph.index() + 1,
        plan.phases().size(),
        ph.name(),
        where,
        ph.end(),
        ph.seqLen(),
        ph.microBatch(),
        ph.accumulation(),
        ph.lr(),
        ph.data() == null ? "" : ", data " + ph.data(),
        ph.ropeScaling() == null ? "" : ", RoPE " + rope(ph.ropeScaling()));
  }

  private static String rope(RopeScaling rs) {
    return String.format(
        Locale.ROOT, "%s ×%s from %d", rs.type(), trim(rs.factor()), rs.originalContext());
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  /**
   * Refuses a checkpoint whose recorded phase and data cursor do not land on its step in this plan:
   * its data position would not be where the uninterrupted run had it.
   */
  static void checkResumable(PhasePlan plan, TrainerState state, Path checkpoint)
      throws IOException {
    boolean known = state.phase() >= 0 && state.phase() < plan.phases().size();
    if (known && plan.phases().get(state.phase()).start() + state.phaseStep() == state.step())
      return;
    throw new IOException(
        checkpoint.resolve(CheckpointStore.STATE)
            + ": step "
            + state.step()
            + " was step "
            + state.phaseStep()
            + " of phase "
            + state.phase()
            + ", which the preset's phases do not place there: the phases changed since it was saved");
  }
}
