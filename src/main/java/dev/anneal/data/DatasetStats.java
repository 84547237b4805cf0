package dev.anneal.data;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The figures of a built dataset, as written to {@code stats.json}: samples by kind (every kind
 * listed, zeros included) and by language, an estimated token-length histogram, duplicates
 * removed, samples filtered, and files and folders skipped by reason.
 */
public record DatasetStats(Map<String, Long> samplesByKind, Map<String, Long> samplesByLanguage,
    List<Map<String, Long>> tokenHistogram, long estimatedTokens, long filesScanned,
    long bytesScanned, long exactDuplicates, long nearDuplicates, Map<String, Long> filtered,
    Map<String, Long> filesSkipped, Map<String, Long> foldersSkipped,
    List<ScanReport.Problem> problems) {

  /** Bucket upper bounds (exclusive) of the histogram; the last bucket is open. */
  static final int[] EDGES = {64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};

  public long samples() {
    return samplesByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  static DatasetStats of(List<Sample> samples, long filesScanned, long bytesScanned,
      Deduplicator.Result dedup, Map<String, Long> filtered, ScanReport report) {
    Map<SampleKind, Long> kinds = new EnumMap<>(SampleKind.class);
    for (SampleKind k : SampleKind.values()) kinds.put(k, 0L);
    Map<String, Long> langs = new TreeMap<>();
    long[] buckets = new long[EDGES.length + 1];
    long tokens = 0;
    for (Sample s : samples) {
      kinds.merge(s.kind(), 1L, Long::sum);
      langs.merge(s.language(), 1L, Long::sum);
      int t = TokenEstimate.of(s.text());
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
    return new DatasetStats(byKind, langs, hist, tokens, filesScanned, bytesScanned,
        dedup.exact(), dedup.near(), filtered, ids(report.filesSkipped()),
        ids(report.foldersSkipped()), report.problems());
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
    m.put("duplicates_removed", Map.of("exact", exactDuplicates, "near", nearDuplicates));
    m.put("samples_filtered", filtered);
    m.put("files_skipped", filesSkipped);
    m.put("folders_skipped", foldersSkipped);
    m.put("problems", problems.stream()
        .map(p -> Map.of("path", p.path(), "reason", p.reason().id())).toList());
    return m;
  }
}
