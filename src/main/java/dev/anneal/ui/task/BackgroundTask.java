package dev.anneal.ui.task;

import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Work for a worker thread, with what the UI does when it starts, succeeds, fails or is cancelled
 * (after JabRef's {@code BackgroundTask}). A {@link TaskExecutor} runs it once. The callbacks run
 * on the UI thread, in this order: {@code onRunning}, any updates the work handed over through its
 * {@link TaskContext}, then one of {@code onSuccess}, {@code onFailure} or {@code onCancelled},
 * then {@code onFinished}. Set the callbacks before handing the task over.
 *
 * <p>The work is cancelled through its {@link Cancellation}, which the core's services check
 * between units of work: it ends by throwing {@link CancelledException}, which is not a failure.
 *
 * @param <T> what the work returns
 */
public final class BackgroundTask<T> {
  /** The work itself; runs on a worker thread. */
  @FunctionalInterface
  public interface Work<T> {
    T run(TaskContext context) throws Exception;
  }

  private static final Runnable NOTHING = () -> {};

  private final String name;
  private final Work<T> work;
  private final Cancellation cancellation = new Cancellation();
  private final CountDownLatch workEnded = new CountDownLatch(1);
  private Runnable onRunning = NOTHING;
  private Consumer<? super T> onSuccess = v -> {};
  private Consumer<String> onFailure = m -> {};
  private Runnable onCancelled = NOTHING;
  private Runnable onFinished = NOTHING;

  private BackgroundTask(String name, Work<T> work) {
    this.name = name;
    this.work = work;
  }

  /**
   * @param name what the work is, short ("dataset-build"): names the worker thread while it runs
   */
  public static <T> BackgroundTask<T> of(String name, Work<T> work) {
    return new BackgroundTask<>(name, work);
  }

  /** On the UI thread as the work starts (the work does not wait for it). */
  public BackgroundTask<T> onRunning(Runnable r) {
    onRunning = r;
    return this;
  }

  /** On the UI thread with what the work returned. */
  public BackgroundTask<T> onSuccess(Consumer<? super T> c) {
    onSuccess = c;
    return this;
  }

  /**
   * On the UI thread with the failure as one line ({@link #oneLine}); not called when cancelled.
   */
  public BackgroundTask<T> onFailure(Consumer<String> c) {
    onFailure = c;
    return this;
  }

  /** On the UI thread when the work ended by {@link CancelledException}. */
  public BackgroundTask<T> onCancelled(Runnable r) {
    onCancelled = r;
    return this;
  }

  /** On the UI thread after whichever ending, also after a failed {@code onSuccess}. */
  public BackgroundTask<T> onFinished(Runnable r) {
    onFinished = r;
    return this;
  }

  /** Asks the work to stop at its next check; callable from any thread. */
  public void cancel() {
    cancellation.cancel();
  }

  public boolean isCancelled() {
    return cancellation.isCancelled();
  }

  public String name() {
    return name;
  }

  /**
   * Waits at most {@code timeout} for the work to end (its callbacks may still be queued on the UI
   * thread): for closing the studio, which waits on the UI thread and so cannot wait for them.
   *
   * @return whether the work ended in time
   */
  public boolean awaitWorkEnd(Duration timeout) throws InterruptedException {
    return workEnded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs the work on the calling thread and its callbacks through {@code ui}; {@code done}
   * completes on the UI thread after the last callback, with the value or the work's exception. For
   * {@link TaskExecutor} implementations.
   */
  void runHere(Executor ui, CompletableFuture<T> done) {
    ui.execute(onRunning);
    T value;
    try {
      value = work.run(new TaskContext(cancellation, ui));
    } catch (Throwable e) {
      workEnded.countDown();
      ui.execute(
          () ->
              end(
                  () -> {
                    if (cancelled(e)) onCancelled.run();
                    else onFailure.accept(oneLine(e));
                  },
                  () -> done.completeExceptionally(e),
                  done));
      return;
    }
    workEnded.countDown();
    ui.execute(() -> end(() -> onSuccess.accept(value), () -> done.complete(value), done));
  }

  /**
   * Runs an ending's callback, then onFinished, then completes the future; a callback that throws
   * fails the future and goes on to the UI thread's handler, onFinished still runs.
   */
  private void end(Runnable ending, Runnable complete, CompletableFuture<T> done) {
    Throwable thrown = null;
    try {
      ending.run();
    } catch (RuntimeException | Error e) {
      thrown = e;
    }
    try {
      onFinished.run();
    } catch (RuntimeException | Error e) {
      if (thrown == null) thrown = e;
    }
    if (thrown == null) {
      complete.run();
      return;
    }
    done.completeExceptionally(thrown);
    if (thrown instanceof RuntimeException r) throw r;
    throw (Error) thrown;
  }

  private static boolean cancelled(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof CancelledException) return true;
    }
    return false;
  }

  /**
   * A failure as one line for a status bar: the first line of its message, looking through the
   * wrappers that only carry a cause; the exception's name when it has no message.
   */
  public static String oneLine(Throwable e) {
    Throwable t = e;
    while ((t instanceof UncheckedIOException
            || t instanceof CompletionException
            || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) return t.getClass().getSimpleName();
    return m.lines().findFirst().orElse(m).strip();
  }
}
