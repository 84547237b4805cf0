package dev.anneal.metrics;

import java.util.Locale;

/**
 * The one way Anneal writes a duration for people, in the studio and on the command line: an
 * estimate, the time left of a run or a sweep, the time a run took. Two units at most, the smaller
 * one zero-padded so that a ticking figure keeps its width.
 */
public final class Durations {
  private Durations() {}

  /** Seconds, rounded to whole ones, as "41s", "12m 03s", "5h 12m" or "3d 4h". */
  public static String of(double seconds) {
    long s = Math.round(seconds);
    if (s >= 86_400) return String.format(Locale.ROOT, "%dd %dh", s / 86_400, (s % 86_400) / 3600);
    if (s >= 3600) return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    if (s >= 60) return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    return s + "s";
  }
}
