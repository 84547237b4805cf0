package dev.anneal.cli;

import dev.anneal.metrics.Durations;
import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Progress for the terminal: at most one line a second on stderr (stdout stays for results), and
 * Ctrl-C cancels the work so it can remove its temporary files before the JVM exits.
 */
final class CliProgress implements ProgressListener, AutoCloseable {
  private final PrintWriter err;
  private final boolean quiet;
  private final Cancellation cancel = new Cancellation();
  private final Thread hook;
  private volatile boolean working = true;
  private long last;

  CliProgress(PrintWriter err, boolean quiet) {
    this.err = err;
    this.quiet = quiet;
    this.hook =
        new Thread(
            () -> {
              cancel.cancel();
              long deadline = System.currentTimeMillis() + 5000;
              while (working && System.currentTimeMillis() < deadline) {
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "anneal-cancel");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  Cancellation cancellation() {
    return cancel;
  }

  @Override
  public synchronized void onProgress(Progress p) {
    if (quiet) return;
    long now = System.nanoTime();
    if (now - last < 1_000_000_000L) return;
    last = now;
    StringBuilder sb = new StringBuilder(p.stage());
    if (p.total() > 0) sb.append(String.format(Locale.ROOT, " %d/%d", p.done(), p.total()));
    for (Map.Entry<String, Long> e : new TreeMap<>(p.counts()).entrySet()) {
      sb.append(' ').append(e.getKey()).append(' ').append(Format.count(e.getValue()));
    }
    if (p.etaSeconds() >= 0) sb.append(" ETA ").append(Durations.of(p.etaSeconds()));
    err.println(sb);
    err.flush();
  }

  @Override
  public void close() {
    working = false;
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: the hook is running and sees working == false
    }
  }
}
