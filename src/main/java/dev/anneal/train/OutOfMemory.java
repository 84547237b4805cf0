package dev.anneal.train;

import ai.djl.Device;
import dev.anneal.preset.TrainingSpec;
import java.util.Locale;

/**
 * A run that ran its device out of memory, as one line that says what to lower. The trainer
 * throws it after saving the state reached (a step that failed updated nothing), so the run
 * loses nothing and resumes with the new settings.
 */
public final class OutOfMemory extends RuntimeException {
  private OutOfMemory(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether a libtorch error is its allocator running out (CUDA's, MPS's or the CPU's). */
  static boolean is(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("out of memory") || m.contains("not enough memory")
          || m.contains("can't allocate memory") || m.contains("failed to allocate")) {
        return true;
      }
    }
    return false;
  }

  /**
   * @param kept what was saved, and how to continue
   */
  static OutOfMemory of(Device device, TrainingSpec t, int context, String kept, Throwable cause) {
    int seq = t.seqLenOr(context);
    StringBuilder lower = new StringBuilder();
    if (t.microBatch() > 1) {
      int half = t.microBatch() / 2;
      lower.append(String.format(Locale.ROOT, "training.micro_batch %d → %d (with accumulation %d → %d"
          + " the tokens per step stay the same)", t.microBatch(), half, t.accumulation(),
          t.accumulation() * t.microBatch() / half));
    }
    if (seq > 128) {
      if (!lower.isEmpty()) lower.append(", or ");
      lower.append(String.format(Locale.ROOT, "training.seq_len %d → %d", seq, seq / 2));
    }
    if (lower.isEmpty()) lower.append("the model's size (a preset with fewer layers or a smaller hidden width)");
    return new OutOfMemory(String.format(Locale.ROOT, "%s ran out of memory at micro batch %d × %d tokens:"
        + " lower %s; %s", device, t.microBatch(), seq, lower, kept), cause);
  }
}
