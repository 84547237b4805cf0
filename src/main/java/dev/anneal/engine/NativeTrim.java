package dev.anneal.engine;

import java.util.function.LongSupplier;

/**
 * When to give freed native memory back to the system during training ({@link NativeMemory#trim}):
 * only once resident memory has crept a quarter (at least 64 MB) above what it was after the last
 * trim. Trimming on a fixed count instead costs every time: the step after a trim faults its
 * tensors' pages in afresh, measured on the nano preset as one step of about 540 ms against 170 ms
 * around it, a tenth of the time when it came every 20 steps. A run whose memory holds still now
 * trims once, at its first check.
 */
public final class NativeTrim {
  /** Steps between two looks at resident memory. */
  static final int EVERY = 20;

  private static final long MIN_CREEP = 64L << 20;
  private final LongSupplier resident;
  private final Runnable trim;
  private long afterTrim = -1;
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
    if (afterTrim < 0 || now > afterTrim + Math.max(MIN_CREEP, afterTrim / 4)) {
      trim.run();
      trims++;
      afterTrim = resident.getAsLong();
    }
  }

  /** Trims made so far. */
  int trims() {
    return trims;
  }
}
