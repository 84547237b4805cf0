package dev.anneal.engine;

import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts the PyTorch engine and, on a first start, reports how far DJL has got unpacking (or
 * downloading) libtorch. DJL offers no progress callback, so a watcher thread measures the
 * bytes that appear in its cache folder four times a second.
 */
public final class EngineStartup {
  private static final long POLL_MS = 250;

  private EngineStartup() {}

  /** Starts the engine as {@code plan} says; blocks until it is up or has failed. */
  public static EngineInfo start(EnginePlan plan, ProgressListener listener) {
    if (!plan.firstStart()) return EngineInfo.probe();
    long before = bytesUnder(plan.watch());
    Thread watcher = new Thread(() -> {
      try {
        while (!Thread.currentThread().isInterrupted()) {
          listener.onProgress(progress(plan, bytesUnder(plan.watch()) - before));
          Thread.sleep(POLL_MS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "engine-unpack-progress");
    watcher.setDaemon(true);
    watcher.start();
    try {
      return EngineInfo.probe();
    } finally {
      watcher.interrupt();
      listener.onProgress(progress(plan, Math.max(0, plan.expectedBytes())));
    }
  }

  static Progress progress(EnginePlan plan, long bytes) {
    long done = Math.max(0, bytes);
    if (plan.expectedBytes() > 0) done = Math.min(done, plan.expectedBytes());
    return new Progress(plan.stage(), done, plan.expectedBytes(), Map.of("bytes", done), -1);
  }

  /** Bytes in regular files under {@code dir}, 0 when it does not exist; files vanishing mid-walk are skipped. */
  static long bytesUnder(Path dir) {
    if (!Files.isDirectory(dir)) return 0;
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(EngineStartup::sizeOrZero).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0; // DJL renamed its temporary folder under us: the next poll sees the new one
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.isRegularFile(p) ? Files.size(p) : 0;
    } catch (IOException e) {
      return 0;
    }
  }
}
