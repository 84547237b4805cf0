package dev.anneal.ui.task;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Runs the studio's background work. Every ViewModel that works off the UI thread gets one (the app
 * passes {@link FxTaskExecutor}; tests pass one they can wait on), so no ViewModel starts a thread
 * of its own.
 */
public interface TaskExecutor {
  /**
   * Runs the task's work on a worker thread and its callbacks on the UI thread. The future
   * completes on the UI thread after the task's last callback, with the work's value, or
   * exceptionally with what it threw ({@link dev.anneal.task.CancelledException} when cancelled).
   * Cancelling the future does not stop the work: cancel the task.
   */
  <T> CompletableFuture<T> execute(BackgroundTask<T> task);

  /**
   * Work with nothing to show, for the studio's start-up before the UI thread runs: the future
   * completes on the worker thread.
   */
  <T> CompletableFuture<T> supply(String name, Callable<T> work);

  /**
   * Calls {@code action} on a worker thread at once and then every {@code period}, until stopped.
   */
  Repeating every(Duration period, Runnable action);

  /** Runs a hand-off on the UI thread, in order with the tasks' callbacks. */
  Executor ui();

  /** A repeated action; {@link #stop} ends it (a call under way finishes). */
  interface Repeating {
    void stop();
  }
}
