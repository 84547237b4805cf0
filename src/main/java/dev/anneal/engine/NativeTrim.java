package dev.anneal.engine;

import java.util.function.LongSupplier;

/**
 * When to give freed native memory back to the system during training ({@link NativeMemory#trim}):
 * only when resident memory has crept a quarter (at least 64 MB) above the steady level it held at
 * an earlier look, as after an evaluation's temporaries. A trim is not free: the steps after it
 * fault their tensors' pages in afresh, measured on the nano preset as one step of 350–540 ms
 * against 150–170 ms around it. So the level is read at a look, not right after a trim: the trimmed
 * reading is below what the very next step takes again, and measuring creep from it trimmed every
 * 20 steps. A run whose memory holds still never trims.
 */
public final class NativeTrim {
  /** Steps between two looks at resident memory. */
  static final int EVERY = 20;

  private static final long MIN_CREEP = 64L << 20;
  private final LongSupplier resident;
  private final Runnable trim;

  /** The resident level at the look that set it; -1 until a look sets it (first, after a trim). */
  private long level = -1;

  private int trims;

  /** Reads this process's resident memory and trims glibc's heap. */
  public NativeTrim() {
    this(ProcessMemory::residentBytes, NativeMemory::trim);
  }

  NativeTrim(LongSupplier resident, Runnable trim) {
    this.resident = resident;
    this.trim = trim;
  }

  /** Call after every optimizer step; trims when the rule says so. */
  public void afterStep(long step) {
    if (step % EVERY != 0) return;
    long now = resident.getAsLong();
    if (now <= 0) return; // no /proc: nothing to go by
    if (level < 0) {
      level = now;
    } else if (now > level + Math.max(MIN_CREEP, level / 4)) {
      trim.run();
      trims++;
      level = -1; // the next look, steps later, reads the steady level anew
    }
  }

  /** Trims made so far. */
  int trims() {
    return trims;
  }
}
