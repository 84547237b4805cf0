package dev.anneal.train;

import ai.djl.Device;
import dev.anneal.preset.TrainingSpec;
import java.util.Locale;

/**
 * A run that ran its device out of memory, as one line that says what to lower. The trainer throws
 * it after saving the state reached (a step that failed updated nothing), so the run loses nothing
 * and resumes with the new settings.
 */
public final class OutOfMemory extends RuntimeException {
  private OutOfMemory(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether a libtorch error is its allocator running out (CUDA's, MPS's or the CPU's). */
  static boolean is(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("out of memory")
          || m.contains("not enough memory")
          || m.contains("can't allocate memory")
          || m.contains("failed to allocate")) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param kept what was saved, and how to continue
   */
  static OutOfMemory of(Device device, TrainingSpec t, int context, String kept, Throwable cause) {
    return of(
        device,
        "training.",
        t.microBatch(),
        t.accumulation(),
        t.seqLenOr(context),
        t.activationCheckpointing(),
        kept,
        cause);
  }

  /**
   * @param fields where the step's shape is set: {@code "training."}, or a phase's {@code
   *     "training.phases[1]."} for a run in phases
   * @param kept what was saved, and how to continue
   */
  static OutOfMemory of(
      Device device,
      String fields,
      int microBatch,
      int accumulation,
      int seq,
      boolean checkpointing,
      String kept,
      Throwable cause) {
    java.util.List<String> lower = new java.util.ArrayList<>();
    if (microBatch > 1) {
      int half = microBatch / 2;
      lower.add(
          String.format(
              Locale.ROOT,
              "%smicro_batch %d → %d (with accumulation %d → %d"
                  + " the tokens per step stay the same)",
              fields,
              microBatch,
              half,
              accumulation,
              accumulation * microBatch / half));
    }
    if (seq > 128) lower.add(String.format(Locale.ROOT, "%sseq_len %d → %d", fields, seq, seq / 2));
    // Recomputing each block in the backward pass keeps one block's activations instead of all.
    if (!checkpointing) lower.add("set training.activation_checkpointing: true");
    if (lower.isEmpty())
      lower.add("the model's size (a preset with fewer layers or a smaller hidden width)");
    return new OutOfMemory(
        String.format(
            Locale.ROOT,
            "%s ran out of memory at micro batch %d × %d tokens:" + " lower %s; %s",
            device,
            microBatch,
            seq,
            String.join(", or ", lower),
            kept),
        cause);
  }

  /**
   * Saves the state reached as a checkpoint unless the latest one is already of this step, and says
   * where it is and how to continue.
   */
  static String keepState(
      TrainerState state,
      CheckpointStore checkpoints,
      dev.anneal.model.CausalLm model,
      AdamW optimizer,
      dev.anneal.runs.RunFolder run)
      throws java.io.IOException {
    if (state.step() == 0) return "no step had finished, so there is no checkpoint";
    java.nio.file.Path last = checkpoints.latest().orElse(null);
    boolean current = last != null && last.equals(checkpoints.folder(state.step()));
    java.nio.file.Path dir = current ? last : checkpoints.save(model, optimizer, state);
    return "the run is saved at step "
        + state.step()
        + " ("
        + run.dir().relativize(dir)
        + "): continue with anneal train --resume "
        + run.dir();
  }

  /** The error for a step of phase {@code ph}: a run in phases names the phase's own fields. */
  static OutOfMemory inPhase(
      Device device,
      dev.anneal.preset.PhasePlan plan,
      dev.anneal.preset.PhasePlan.Phase ph,
      boolean checkpointing,
      String kept,
      Throwable cause) {
    String fields = plan.phased() ? "training.phases[" + ph.index() + "]." : "training.";
    return of(
        device,
        fields,
        ph.microBatch(),
        ph.accumulation(),
        ph.seqLen(),
        checkpointing,
        kept,
        cause);
  }
}
