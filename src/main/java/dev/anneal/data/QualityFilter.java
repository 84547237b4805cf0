package dev.anneal.data;

import dev.anneal.data.sample.SampleKind;
import dev.anneal.data.sample.TextStats;

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

  /** Why a sample of {@code kind} whose text has {@code stats} fails, or null when it passes. */
  public String reject(SampleKind kind, TextStats stats) {
    if (stats.longestLine() > maxLineLength) return "long_line";
    if (stats.visible() == 0) return "empty";
    if (kind != SampleKind.TEXT
        && kind != SampleKind.CHAT
        && (double) stats.alphanumeric() / stats.visible() < minAlphanumeric) {
      return "low_alphanumeric";
    }
    return null;
  }
}
