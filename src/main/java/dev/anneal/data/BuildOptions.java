package dev.anneal.data;

/**
 * Settings of a dataset build.
 *
 * @param scan      what the scanner keeps
 * @param maxTokens longest file sample (estimated tokens) before a file is cut between items
 * @param nearDup   Jaccard threshold for near-duplicates; above 1 turns near-dedup off
 * @param quality   the quality filter
 * @param threads   reader/extractor threads
 */
public record BuildOptions(ScanOptions scan, int maxTokens, double nearDup, QualityFilter quality,
    int threads) {

  public static BuildOptions defaults() {
    return new BuildOptions(ScanOptions.DEFAULT, 2048, 0.85, QualityFilter.DEFAULT,
        Runtime.getRuntime().availableProcessors());
  }

  public BuildOptions {
    if (maxTokens < 16) throw new IllegalArgumentException("--max-tokens must be at least 16, got " + maxTokens);
    if (!(nearDup > 0)) throw new IllegalArgumentException("--near-dup must be above 0, got " + nearDup);
    if (threads < 1) threads = 1;
  }

  public BuildOptions withScan(ScanOptions s) {
    return new BuildOptions(s, maxTokens, nearDup, quality, threads);
  }

  public BuildOptions withMaxTokens(int n) {
    return new BuildOptions(scan, n, nearDup, quality, threads);
  }

  public BuildOptions withNearDup(double t) {
    return new BuildOptions(scan, maxTokens, t, quality, threads);
  }
}
