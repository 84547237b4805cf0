package dev.anneal.task;

/** Thrown by {@link Cancellation#check()} when the user cancelled; not an error. */
public final class CancelledException extends RuntimeException {
  public CancelledException() {
    super("cancelled");
  }
}
