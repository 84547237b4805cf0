package dev.anneal.ui.fx;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Queues items from a worker thread and drains them on the FX thread in one batch, with at most one
 * {@code Platform.runLater} pending: ten metric points a second cost the FX thread one call, not
 * ten (one runLater per training step would queue faster than the FX thread drains).
 */
public final class Batched<T> {
  private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean pending = new AtomicBoolean();
  private final Consumer<List<T>> onFx;
  private final Executor fx;

  /**
   * @param fx runs a task on the UI thread (a {@code TaskExecutor}'s {@code ui()}; tests may pass
   *     {@code Runnable::run})
   */
  public Batched(Consumer<List<T>> onFx, Executor fx) {
    this.onFx = onFx;
    this.fx = fx;
  }

  /** Callable from any thread. */
  public void submit(T item) {
    queue.add(item);
    if (pending.compareAndSet(false, true)) fx.execute(this::drain);
  }

  private void drain() {
    pending.set(false);
    List<T> batch = new ArrayList<>();
    for (T t; (t = queue.poll()) != null; ) batch.add(t);
    if (!batch.isEmpty()) onFx.accept(batch);
  }
}
