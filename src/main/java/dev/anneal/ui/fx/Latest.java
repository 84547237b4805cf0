package dev.anneal.ui.fx;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Hands the newest value from a worker thread to the FX thread, coalescing: however often {@link
 * #submit} is called, at most one {@code Platform.runLater} is pending, and it delivers only the
 * latest value (as JavaFX's {@code Task.updateProgress} does). Use it for progress and status; for
 * streams where every item matters use {@link Batched}.
 */
public final class Latest<T> {
  private final AtomicReference<T> value = new AtomicReference<>();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final Consumer<T> onFx;
  private final Executor fx;

  /**
   * @param fx runs a task on the UI thread (a {@code TaskExecutor}'s {@code ui()}; tests may pass
   *     {@code Runnable::run})
   */
  public Latest(Consumer<T> onFx, Executor fx) {
    this.onFx = onFx;
    this.fx = fx;
  }

  /** Callable from any thread. */
  public void submit(T v) {
    value.set(v);
    if (pending.compareAndSet(false, true)) {
      fx.execute(
          () -> {
            pending.set(false);
            T latest = value.getAndSet(null);
            if (latest != null) onFx.accept(latest);
          });
    }
  }
}
