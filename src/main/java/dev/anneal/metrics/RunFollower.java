package dev.anneal.metrics;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a run folder as it grows and hands out the points and events it gains, whoever writes it:
 * Anneal's own trainer or a DeepSpeed bundle ({@code metrics.jsonl}, {@code events.jsonl}), or any
 * Hugging Face Trainer ({@code trainer_state.json}, at the top or in the newest {@code
 * checkpoint-N/}). Both come out as the same {@link MetricPoint} series.
 *
 * <p>It polls: file-change notifications miss changes on network mounts, where remote runs are
 * usually watched from. A folder that is still empty is fine; the source is chosen when the first
 * file appears ({@code metrics.jsonl} wins when both are there) and then kept.
 *
 * <p>Use {@link #poll()} for one read on the caller's thread, or {@link #start} to poll on a daemon
 * thread and push each non-empty update to a {@link Listener}; {@link #close()} stops it.
 */
public final class RunFollower implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(RunFollower.class);

  /** What the folder holds. */
  public enum Source {
    NONE,
    ANNEAL,
    HF_TRAINER
  }

  /** What one poll found: points and events in the order they were written. */
  public record Update(List<MetricPoint> points, List<RunEvent> events) {
    public Update {
      points = List.copyOf(points);
      events = List.copyOf(events);
    }

    public boolean isEmpty() {
      return points.isEmpty() && events.isEmpty();
    }
  }

  /** Receives updates on the follower's thread; must be cheap and thread-safe. */
  public interface Listener {
    void onUpdate(Update update);

    /** A poll failed (unreadable folder, a malformed line); following goes on. */
    default void onError(Exception error) {}
  }

  private final Path dir;
  private Source source = Source.NONE;
  private JsonlTail metrics;
  private JsonlTail events;
  private TrainerStateLog trainerState;
  private ScheduledExecutorService poller;

  /**
   * @throws IllegalArgumentException when {@code dir} is not a folder
   */
  public RunFollower(Path dir) {
    if (!Files.isDirectory(dir)) throw new IllegalArgumentException(dir + ": no such run folder");
    this.dir = dir;
  }

  public Path dir() {
    return dir;
  }

  public synchronized Source source() {
    return source;
  }

  /**
   * Reads what was added since the last poll. A complete line that is not valid JSON is skipped
   * with a warning naming the file and line, so one bad line does not stop a week-long watch.
   */
  public synchronized Update poll() throws IOException {
    if (source == Source.NONE) detect();
    return switch (source) {
      case NONE -> new Update(List.of(), List.of());
      case HF_TRAINER -> trainerState.poll();
      case ANNEAL ->
          new Update(readNew(metrics, MetricPoint.class), readNew(events, RunEvent.class));
    };
  }

  /** Polls every {@code interval} on a daemon thread until {@link #close()}. */
  public synchronized void start(Listener listener, Duration interval) {
    if (poller != null) throw new IllegalStateException("already following " + dir);
    poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "run-follower " + dir.getFileName());
              t.setDaemon(true);
              return t;
            });
    poller.scheduleWithFixedDelay(
        () -> {
          try {
            Update u = poll();
            if (!u.isEmpty()) listener.onUpdate(u);
          } catch (Exception e) {
            listener.onError(e);
          }
        },
        0,
        interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops polling; an update being delivered finishes first. */
  @Override
  public void close() {
    ScheduledExecutorService p;
    synchronized (this) {
      p = poller;
      poller = null;
    }
    if (p == null) return;
    p.shutdown();
    try {
      p.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void detect() throws IOException {
    if (Files.isRegularFile(dir.resolve(MetricsLog.METRICS_FILE))
        || Files.isRegularFile(dir.resolve(MetricsLog.EVENTS_FILE))) {
      source = Source.ANNEAL;
      metrics = new JsonlTail(dir.resolve(MetricsLog.METRICS_FILE));
      events = new JsonlTail(dir.resolve(MetricsLog.EVENTS_FILE));
    } else if (TrainerStateLog.present(dir)) {
      source = Source.HF_TRAINER;
      trainerState = new TrainerStateLog(dir);
    }
  }

  private static <T> List<T> readNew(JsonlTail tail, Class<T> type) throws IOException {
    List<T> out = new ArrayList<>();
    for (JsonlTail.Line line : tail.readNewLines()) {
      try {
        out.add(MetricsLog.parse(line, tail.file(), type));
      } catch (IllegalArgumentException bad) {
        LOG.warn("skipped {}", bad.getMessage());
      }
    }
    return out;
  }
}
