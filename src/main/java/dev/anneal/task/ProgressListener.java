package dev.anneal.task;

/**
 * Receives progress from a worker thread. Implementations must be cheap and thread-safe: the
 * studio's adapter keeps the latest value and draws it on the FX thread once per frame.
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = p -> {};

  void onProgress(Progress progress);
}
