package dev.anneal.ui.task;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javafx.application.Platform;

/**
 * The studio's executor for tests, which can wait until every task handed to it (and every task
 * those started) has ended and shown its result: tests wait on the work, not on a clock.
 */
public final class AwaitableTaskExecutor implements TaskExecutor {
  private final FxTaskExecutor inner;
  private final List<CompletableFuture<?>> started = new CopyOnWriteArrayList<>();

  /** Hands off to the JavaFX thread, as the studio does. */
  public static AwaitableTaskExecutor onFx() {
    return new AwaitableTaskExecutor(Platform::runLater);
  }

  /** Runs hand-offs on the worker itself: for ViewModels tested without the FX toolkit. */
  public static AwaitableTaskExecutor direct() {
    return new AwaitableTaskExecutor(Runnable::run);
  }

  private AwaitableTaskExecutor(Executor ui) {
    inner = new FxTaskExecutor(ui);
  }

  @Override
  public <T> CompletableFuture<T> execute(BackgroundTask<T> task) {
    return track(inner.execute(task));
  }

  @Override
  public <T> CompletableFuture<T> supply(String name, Callable<T> work) {
    return track(inner.supply(name, work));
  }

  @Override
  public Repeating every(Duration period, Runnable action) {
    return inner.every(period, action);
  }

  @Override
  public Executor ui() {
    return inner.ui();
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    started.add(f);
    return f;
  }

  /**
   * Waits until every task started so far, and any they started meanwhile, has completed (its
   * callbacks run), however it ended.
   *
   * @throws TimeoutException when work is still going after {@code timeout}
   */
  public void awaitIdle(Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<CompletableFuture<?>> pending = started.stream().filter(f -> !f.isDone()).toList();
      if (pending.isEmpty()) return;
      long left = deadline - System.nanoTime();
      if (left <= 0)
        throw new TimeoutException(pending.size() + " task(s) still running after " + timeout);
      try {
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
            .get(left, TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        // A task that failed has ended: its failure is for the test to check in the state shown.
      }
    }
  }
}
