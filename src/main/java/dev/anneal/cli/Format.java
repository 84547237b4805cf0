package dev.anneal.cli;

import java.util.Locale;

/** Human-readable numbers for tables. */
final class Format {
  private Format() {}

  /** 136_921_344 → "136.9M"; 72_706_203_648 → "72.71B". */
  static String count(long n) {
    if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2fB", n / 1e9);
    if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    if (n >= 1_000L) return String.format(Locale.ROOT, "%.1fK", n / 1e3);
    return Long.toString(n);
  }

  static String gb(double bytes) {
    return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
  }
}
