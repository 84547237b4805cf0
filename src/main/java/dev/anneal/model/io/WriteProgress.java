package dev.anneal.model.io;

import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.util.Map;

/**
 * Byte progress of a long write (a checkpoint of many gigabytes), reported every few megabytes,
 * with a cancellation check at each tensor so a cancelled save stops and leaves no file behind.
 */
public final class WriteProgress {
  private static final long REPORT_EVERY = 64L << 20;

  private final ProgressListener listener;
  private final Cancellation cancellation;
  private final long total;
  private long done;
  private long reported = -1;

  public WriteProgress(ProgressListener listener, Cancellation cancellation, long totalBytes) {
    this.listener = listener;
    this.cancellation = cancellation;
    this.total = totalBytes;
  }

  /** No listener, never cancelled. */
  public static WriteProgress none() {
    return new WriteProgress(ProgressListener.NONE, Cancellation.none(), -1);
  }

  /** A fresh tracker with the same listener and cancellation for a write of {@code totalBytes}. */
  WriteProgress forTotal(long totalBytes) {
    return new WriteProgress(listener, cancellation, totalBytes);
  }

  void checkCancelled() {
    cancellation.check();
  }

  void advance(long bytes) {
    done += bytes;
    if (done - reported >= REPORT_EVERY || done == total) {
      reported = done;
      listener.onProgress(new Progress("write", done, total, Map.of("bytes", done), -1));
    }
  }
}
