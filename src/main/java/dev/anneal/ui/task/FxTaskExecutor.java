package dev.anneal.ui.task;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;

/**
 * The studio's {@link TaskExecutor}: the one place in the studio that owns threads. Work runs on a
 * pool of daemon threads that grows with the work asked for (a few at most: a run, a build, a scan)
 * and shrinks when idle; a worker takes the task's name while it runs, for thread dumps. Hand-offs
 * go to the JavaFX thread.
 */
public final class FxTaskExecutor implements TaskExecutor {
  private final ExecutorService workers = Executors.newCachedThreadPool(daemons("anneal-task"));
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(daemons("anneal-timer"));
  private final Executor ui;

  /** Hands off to the JavaFX thread ({@code Platform.runLater}). */
  public FxTaskExecutor() {
    this(Platform::runLater);
  }

  /**
   * @param ui runs a hand-off on the UI thread (tests may pass {@code Runnable::run})
   */
  public FxTaskExecutor(Executor ui) {
    this.ui = ui;
  }

  @Override
  public <T> CompletableFuture<T> execute(BackgroundTask<T> task) {
    CompletableFuture<T> done = new CompletableFuture<>();
    workers.execute(named(task.name(), () -> task.runHere(ui, done)));
    return done;
  }

  @Override
  public <T> CompletableFuture<T> supply(String name, Callable<T> work) {
    CompletableFuture<T> done = new CompletableFuture<>();
    workers.execute(
        named(
            name,
            () -> {
              try {
                done.complete(work.call());
              } catch (Throwable e) {
                done.completeExceptionally(e);
              }
            }));
    return done;
  }

  @Override
  public Repeating every(Duration period, Runnable action) {
    ScheduledFuture<?> f =
        timer.scheduleWithFixedDelay(action, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return () -> f.cancel(false);
  }

  @Override
  public Executor ui() {
    return ui;
  }

  /**
   * Runs {@code action} when the JVM exits (a SIGTERM, a logout), on a thread of its own as the JVM
   * requires, so that running work can end cleanly first.
   */
  public void atExit(String name, Runnable action) {
    Runtime.getRuntime().addShutdownHook(new Thread(action, name));
  }

  private static Runnable named(String name, Runnable r) {
    return () -> {
      Thread t = Thread.currentThread();
      String was = t.getName();
      t.setName(was + " " + name);
      try {
        r.run();
      } finally {
        t.setName(was);
      }
    };
  }

  private static ThreadFactory daemons(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
