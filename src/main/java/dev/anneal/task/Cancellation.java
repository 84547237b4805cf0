package dev.anneal.task;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A flag long work checks between units of work (a file, a batch, a step). The UI's Cancel button
 * and the CLI's Ctrl-C set it; the worker stops at the next check by throwing {@link
 * CancelledException}, cleaning up on its way out.
 */
public final class Cancellation {
  private final AtomicBoolean cancelled = new AtomicBoolean();

  /** A token nobody cancels, for callers that do not need it. */
  public static Cancellation none() {
    return new Cancellation();
  }

  public void cancel() {
    cancelled.set(true);
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /**
   * @throws CancelledException when cancelled
   */
  public void check() {
    if (cancelled.get()) throw new CancelledException();
  }
}
