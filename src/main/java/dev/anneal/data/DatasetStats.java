package dev.anneal.data;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.data.sample.TokenEstimate;
import dev.anneal.data.secrets.SecretFinding;
import dev.anneal.data.secrets.SecretPolicy;
import dev.anneal.io.JsonObject;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a built dataset, as written to {@code stats.json}: samples by kind (every kind
 * listed, zeros included) and by language, an estimated token-length histogram, duplicates removed,
 * samples filtered, files and folders skipped by reason, and the secrets found (by file, line and
 * kind, never their text; the key is absent when none was found, so a clean tree's stats.json is as
 * it was before secrets were looked for).
 */
public record DatasetStats(
    Map<String, Long> samplesByKind,
    Map<String, Long> samplesByLanguage,
    List<Map<String, Long>> tokenHistogram,
    long estimatedTokens,
    long filesScanned,
    long bytesScanned,
    long exactDuplicates,
    long nearDuplicates,
    Map<String, Long> filtered,
    Map<String, Long> filesSkipped,
    Map<String, Long> foldersSkipped,
    List<ScanReport.Problem> problems,
    List<SecretFinding> secrets,
    SecretPolicy secretPolicy) {

  /** Findings written to stats.json at most; the counts cover them all. */
  static final int MAX_SECRET_FINDINGS = 1000;

  /** Bucket upper bounds (exclusive) of the histogram; the last bucket is open. */
  static final int[] EDGES = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};

  public long samples() {
    return samplesByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * @param estimates per sample, its {@link TokenEstimate}
   */
  static DatasetStats of(
      List<Sample> samples,
      int[] estimates,
      long filesScanned,
      long bytesScanned,
      Deduplicator.Result dedup,
      Map<String, Long> filtered,
      ScanReport report,
      SecretPolicy secretPolicy) {
    Map<SampleKind, Long> kinds = new EnumMap<>(SampleKind.class);
    for (SampleKind k : SampleKind.values()) kinds.put(k, 0L);
    Map<String, Long> langs = new TreeMap<>();
    long[] buckets = new long[EDGES.length + 1];
    long tokens = 0;
    for (int i = 0; i < estimates.length; i++) {
      Sample s = samples.get(i);
      kinds.merge(s.kind(), 1L, Long::sum);
      langs.merge(s.language(), 1L, Long::sum);
      int t = estimates[i];
      tokens += t;
      int b = 0;
      while (b < EDGES.length && t >= EDGES[b]) b++;
      buckets[b]++;
    }
    Map<String, Long> byKind = new LinkedHashMap<>();
    kinds.forEach((k, v) -> byKind.put(k.id(), v));
    List<Map<String, Long>> hist = new java.util.ArrayList<>();
    for (int b = 0; b < buckets.length; b++) {
      Map<String, Long> row = new LinkedHashMap<>();
      row.put("min_tokens", b == 0 ? 0L : EDGES[b - 1]);
      if (b < EDGES.length) row.put("max_tokens", EDGES[b] - 1L);
      row.put("samples", buckets[b]);
      hist.add(row);
    }
    return new DatasetStats(
        byKind,
        langs,
        hist,
        tokens,
        filesScanned,
        bytesScanned,
        dedup.exact(),
        dedup.near(),
        filtered,
        ids(report.filesSkipped()),
        ids(report.foldersSkipped()),
        report.problems(),
        report.secrets(),
        secretPolicy);
  }

  private static Map<String, Long> ids(Map<SkipReason, Long> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k.id(), v));
    return out;
  }

  /** The stats.json object. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("samples", samples());
    m.put("samples_by_kind", samplesByKind);
    m.put("samples_by_language", samplesByLanguage);
    m.put("estimated_tokens", estimatedTokens);
    m.put("token_length_histogram", tokenHistogram);
    m.put("token_estimate_note", "tokens estimated without a tokenizer (see TokenEstimate)");
    m.put("files_scanned", filesScanned);
    m.put("bytes_scanned", bytesScanned);
    m.put("duplicates_removed", JsonObject.of("exact", exactDuplicates, "near", nearDuplicates));
    m.put("samples_filtered", filtered);
    m.put("files_skipped", filesSkipped);
    m.put("folders_skipped", foldersSkipped);
    m.put(
        "problems",
        problems.stream()
            .map(p -> JsonObject.of("path", p.path(), "reason", p.reason().id()))
            .toList());
    if (!secrets.isEmpty()) m.put("secrets", secretsJson());
    return m;
  }

  /**
   * A two-entry JSON object in this order. {@code Map.of}'s order changes from one JVM to the next,
   * and stats.json must be the same bytes for the same sources.
   */
  private static Map<String, Object> object(String k1, Object v1, String k2, Object v2) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(k1, v1);
    m.put(k2, v2);
    return m;
  }

  /** Files holding at least one secret. */
  public long secretFiles() {
    return secrets.stream().map(SecretFinding::path).distinct().count();
  }

  /** Secrets found by kind, sorted by kind. */
  public Map<String, Long> secretsByKind() {
    Map<String, Long> out = new TreeMap<>();
    for (SecretFinding f : secrets) out.merge(f.kind(), 1L, Long::sum);
    return out;
  }

  private Map<String, Object> secretsJson() {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("policy", secretPolicy.id());
    s.put("found", (long) secrets.size());
    s.put("files", secretFiles());
    s.put("by_kind", secretsByKind());
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    for (SecretFinding f : secrets.subList(0, Math.min(secrets.size(), MAX_SECRET_FINDINGS))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("path", f.path());
      row.put("line", f.line());
      row.put("kind", f.kind());
      rows.add(row);
    }
    s.put("findings", rows);
    return s;
  }
}
