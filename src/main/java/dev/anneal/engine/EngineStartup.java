package dev.anneal.engine;

import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Starts the PyTorch engine and, on a first start, reports how far DJL has got unpacking (or
 * downloading) libtorch. DJL offers no progress callback, so a watcher thread measures the bytes
 * that appear in its cache folder ten times a second. The figure only grows: DJL moves its
 * temporary folder into place at the end, and a count taken across that move (or across a file that
 * vanished mid-walk) reads low for a moment; showing it would send the bar back.
 */
public final class EngineStartup {
  private static final long POLL_MS = 100;

  private EngineStartup() {}

  /** Starts the engine as {@code plan} says; blocks until it is up or has failed. */
  public static EngineInfo start(EnginePlan plan, ProgressListener listener) {
    return start(plan, listener, EngineInfo::probe);
  }

  /**
   * As {@link #start(EnginePlan, ProgressListener)}, with {@code engine} doing the start (a test
   * seam).
   */
  static EngineInfo start(
      EnginePlan plan, ProgressListener listener, java.util.function.Supplier<EngineInfo> engine) {
    if (!plan.firstStart()) return engine.get();
    long before = bytesUnder(plan.watch());
    Thread watcher =
        new Thread(
            () -> {
              long most = 0;
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  most = Math.max(most, bytesUnder(plan.watch()) - before);
                  listener.onProgress(progress(plan, most));
                  Thread.sleep(POLL_MS);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "engine-unpack-progress");
    watcher.setDaemon(true);
    watcher.start();
    try {
      return engine.get();
    } finally {
      watcher.interrupt();
      try {
        watcher.join(1_000); // its last report must not land after the final one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      listener.onProgress(progress(plan, Math.max(0, plan.expectedBytes())));
    }
  }

  static Progress progress(EnginePlan plan, long bytes) {
    long done = Math.max(0, bytes);
    if (plan.expectedBytes() > 0) done = Math.min(done, plan.expectedBytes());
    return new Progress(plan.stage(), done, plan.expectedBytes(), Map.of("bytes", done), -1);
  }

  /**
   * Bytes in regular files under {@code dir}, 0 when it does not exist. An entry that vanishes
   * mid-walk (DJL renaming its temporary folder) is skipped, not the whole count.
   */
  static long bytesUnder(Path dir) {
    if (!Files.isDirectory(dir)) return 0;
    long[] sum = {0};
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              if (attrs.isRegularFile()) sum[0] += attrs.size();
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // the folder itself went away: what was counted stands
    }
    return sum[0];
  }
}
