package dev.anneal.data;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;

/**
 * Drops samples a model should not learn from: lines longer than a person writes (data blobs,
 * embedded keys), too little alphanumeric text (tables of numbers and symbols), and files that
 * announce they were generated. Prose is held only to the line-length rule.
 *
 * @param maxLineLength longest line allowed
 * @param minAlphanumeric least fraction of letters and digits among non-space characters
 */
public record QualityFilter(int maxLineLength, double minAlphanumeric) {
  public static final QualityFilter DEFAULT = new QualityFilter(1000, 0.25);

  private static final boolean[] ASCII_ALNUM = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) ASCII_ALNUM[c] = Character.isLetterOrDigit(c);
  }

  /** Why the sample fails, or null when it passes. */
  public String reject(Sample s) {
    String t = s.text();
    int line = 0;
    int alnum = 0;
    int visible = 0;
    for (int i = 0, n = t.length(); i < n; i++) {
      char c = t.charAt(i);
      if (c == '\n') {
        line = 0;
        continue;
      }
      if (++line > maxLineLength) return "long_line";
      if (c > ' ') {
        visible++;
        if (c < 128 ? ASCII_ALNUM[c] : Character.isLetterOrDigit(c)) alnum++;
      }
    }
    if (visible == 0) return "empty";
    if (s.kind() != SampleKind.TEXT
        && s.kind() != SampleKind.CHAT
        && (double) alnum / visible < minAlphanumeric) {
      return "low_alphanumeric";
    }
    return null;
  }
}
