package dev.anneal.data;

import dev.anneal.data.sample.SampleKind;
import dev.anneal.data.secrets.SecretPolicy;
import java.util.Set;

/**
 * Settings of a dataset build.
 *
 * @param scan what the scanner keeps
 * @param maxTokens longest file sample (estimated tokens) before a file is cut between items
 * @param nearDup Jaccard threshold for near-duplicates; above 1 turns near-dedup off
 * @param quality the quality filter
 * @param threads reader/extractor threads
 * @param kinds sample kinds to keep; empty keeps every kind
 * @param secrets what to do with secrets found in files (mask by default)
 */
public record BuildOptions(
    ScanOptions scan,
    int maxTokens,
    double nearDup,
    QualityFilter quality,
    int threads,
    Set<SampleKind> kinds,
    SecretPolicy secrets) {

  public BuildOptions(
      ScanOptions scan, int maxTokens, double nearDup, QualityFilter quality, int threads) {
    this(scan, maxTokens, nearDup, quality, threads, Set.of());
  }

  public BuildOptions(
      ScanOptions scan,
      int maxTokens,
      double nearDup,
      QualityFilter quality,
      int threads,
      Set<SampleKind> kinds) {
    this(scan, maxTokens, nearDup, quality, threads, kinds, SecretPolicy.MASK);
  }

  public static BuildOptions defaults() {
    return new BuildOptions(
        ScanOptions.DEFAULT,
        2048,
        0.85,
        QualityFilter.DEFAULT,
        Runtime.getRuntime().availableProcessors());
  }

  public BuildOptions {
    if (maxTokens < 16)
      throw new IllegalArgumentException("--max-tokens must be at least 16, got " + maxTokens);
    if (!(nearDup > 0))
      throw new IllegalArgumentException("--near-dup must be above 0, got " + nearDup);
    if (threads < 1) threads = 1;
    kinds = Set.copyOf(kinds);
    if (secrets == null) secrets = SecretPolicy.MASK;
  }

  /** Whether samples of this kind are kept. */
  public boolean keeps(SampleKind k) {
    return kinds.isEmpty() || kinds.contains(k);
  }

  public BuildOptions withScan(ScanOptions s) {
    return new BuildOptions(s, maxTokens, nearDup, quality, threads, kinds, secrets);
  }

  public BuildOptions withMaxTokens(int n) {
    return new BuildOptions(scan, n, nearDup, quality, threads, kinds, secrets);
  }

  public BuildOptions withNearDup(double t) {
    return new BuildOptions(scan, maxTokens, t, quality, threads, kinds, secrets);
  }

  public BuildOptions withKinds(Set<SampleKind> k) {
    return new BuildOptions(scan, maxTokens, nearDup, quality, threads, k, secrets);
  }

  public BuildOptions withSecrets(SecretPolicy p) {
    return new BuildOptions(scan, maxTokens, nearDup, quality, threads, kinds, p);
  }
}
