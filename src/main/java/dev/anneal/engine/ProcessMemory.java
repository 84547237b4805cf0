package dev.anneal.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory this process holds: resident set size (Java heap plus native, libtorch included). */
public final class ProcessMemory {
  private static final Path STATUS = Path.of("/proc/self/status");
  private static final Path STAT = Path.of("/proc/self/stat");

  private ProcessMemory() {}

  /**
   * Resident bytes from {@code /proc/self/status} on Linux; elsewhere the JVM's committed heap
   * (native memory is not visible there without a native call).
   */
  public static long residentBytes() {
    if (Files.isReadable(STATUS)) {
      try {
        for (String line : Files.readAllLines(STATUS)) {
          if (line.startsWith("VmRSS:")) {
            String kb = line.substring(6).trim().split("\\s+")[0];
            return Long.parseLong(kb) * 1024;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // fall through to the heap figure
      }
    }
    return Runtime.getRuntime().totalMemory();
  }

  /**
   * Starts the peak ({@code VmHWM}) over from the current resident size, so a later {@link
   * #peakResidentBytes} is the peak since now (Linux: "5" to {@code /proc/self/clear_refs}).
   *
   * @return false where the peak cannot be reset (not Linux, or not allowed)
   */
  public static boolean resetPeak() {
    try {
      Files.writeString(Path.of("/proc/self/clear_refs"), "5");
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Minor page faults this process has taken ({@code minflt} of {@code /proc/self/stat}): each is a
   * page touched for the first time since it was mapped, as the heap grows, or every step where a
   * step's freed memory went back to the system. -1 where unknown (not Linux).
   */
  public static long minorFaults() {
    try {
      String stat = Files.readString(STAT);
      // After the command name in parentheses (which may hold spaces): state, ppid, pgrp, session,
      // tty_nr, tpgid, flags, minflt.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[7]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Peak resident bytes ({@code VmHWM}), or the current figure where unknown. */
  public static long peakResidentBytes() {
    if (Files.isReadable(STATUS)) {
      try {
        for (String line : Files.readAllLines(STATUS)) {
          if (line.startsWith("VmHWM:")) {
            return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
          }
        }
      } catch (IOException | NumberFormatException e) {
        // fall through
      }
    }
    return residentBytes();
  }
}
