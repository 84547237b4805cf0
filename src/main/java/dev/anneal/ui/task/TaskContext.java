package dev.anneal.ui.task;

import dev.anneal.task.Cancellation;
import dev.anneal.ui.fx.Batched;
import dev.anneal.ui.fx.Latest;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * What a {@link BackgroundTask}'s work gets: its cancellation token, to hand to the core's
 * services, and coalescing hand-offs to the UI thread for progress. Updates handed over reach the
 * UI thread before the task's ending callbacks.
 */
public final class TaskContext {
  private final Cancellation cancellation;
  private final Executor ui;

  TaskContext(Cancellation cancellation, Executor ui) {
    this.cancellation = cancellation;
    this.ui = ui;
  }

  /** Set when the task is cancelled; the core's long work checks it. */
  public Cancellation cancellation() {
    return cancellation;
  }

  /**
   * A sink for progress values (a status line, a fraction): however often it is fed, at most one
   * hand-off is pending and {@code onUi} sees only the newest value.
   */
  public <P> Consumer<P> latest(Consumer<P> onUi) {
    return new Latest<>(onUi, ui)::submit;
  }

  /** A sink for a stream where every item matters (tokens, metric points), drained in batches. */
  public <P> Consumer<P> batched(Consumer<List<P>> onUi) {
    return new Batched<>(onUi, ui)::submit;
  }
}
