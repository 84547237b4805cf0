package dev.anneal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a studio start spends its time: with {@code -Danneal.startupTrace=true} each {@link #mark}
 * prints "startup: 412 ms what [thread]" to stderr. On Linux the count starts at the process's exec
 * (from /proc, so JVM boot is included); elsewhere at the first mark. Off by default: then a mark
 * costs one field read.
 */
public final class StartupTrace {
  private static final boolean ON = Boolean.getBoolean("anneal.startupTrace");
  private static final long ORIGIN_NANOS = ON ? System.nanoTime() - sinceExecNanos() : 0;

  private StartupTrace() {}

  public static void mark(String what) {
    if (!ON) return;
    long ms = (System.nanoTime() - ORIGIN_NANOS) / 1_000_000;
    System.err.printf("startup: %5d ms  %s [%s]%n", ms, what, Thread.currentThread().getName());
  }

  /**
   * Time since this process was exec'd: /proc/uptime less the process's start in clock ticks (field
   * 22 of /proc/self/stat; USER_HZ is 100 on Linux). 0 where /proc is not there.
   */
  private static long sinceExecNanos() {
    try {
      double uptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      double started = Long.parseLong(fields[19]) / 100.0;
      return (long) ((uptime - started) * 1e9);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
