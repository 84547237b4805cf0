package dev.anneal.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.data.sample.Sample;
import dev.anneal.io.AtomicFiles;
import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a dataset folder from source folders: scan, read and extract in parallel, filter,
 * deduplicate, then write {@code samples.jsonl} and {@code stats.json} atomically. The same input
 * gives the same bytes out (files are processed in path order). The CLI and the studio call this;
 * progress goes to the listener, and the cancellation is checked between files.
 */
public final class DatasetBuilder {
  public static final String STATS = "stats.json";

  /** Outputs of {@code dataset prepare} that describe older samples and go when samples change. */
  static final List<String> PREPARED =
      List.of(
          "meta.json",
          "train.bin",
          "val.bin",
          "train.docs.bin",
          "val.docs.bin",
          "train.mask.bin",
          "val.mask.bin",
          "val.lang.bin");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final BuildOptions options;
  private final ProgressListener listener;
  private final Cancellation cancel;
  private final StageTimes times = new StageTimes();

  public DatasetBuilder(BuildOptions options, ProgressListener listener, Cancellation cancel) {
    this.options = options;
    this.listener = listener;
    this.cancel = cancel;
  }

  /** Seconds per stage of the last {@link #collect} or {@link #build} on this builder. */
  public java.util.Map<String, Double> lastStageSeconds() {
    return times.seconds();
  }

  /** Samples and their stats, before anything is written. */
  public record Built(List<Sample> samples, DatasetStats stats) {}

  /** Builds and writes the dataset folder {@code out}. */
  public DatasetStats build(List<Path> roots, Path out) throws IOException {
    Built b = collect(roots, out);
    write(out, b);
    return b.stats();
  }

  /** Scans, extracts, filters and deduplicates, writing nothing. */
  public Built collect(List<Path> roots) throws IOException {
    return collect(roots, null);
  }

  /** As {@link #collect(List)}, never reading {@code out} (a dataset folder inside a source). */
  private Built collect(List<Path> roots, Path out) throws IOException {
    if (roots.isEmpty()) throw new IllegalArgumentException("no source folder given");
    times.start();
    ScanReport report = new ScanReport();
    SourceScanner scanner = new SourceScanner(options.scan(), cancel, report, out);
    List<SourceExtraction.FileResult> perFile =
        new SourceExtraction(options, listener, cancel, report).run(roots, scanner, times);
    Map<String, Long> filtered = new TreeMap<>();
    List<Sample> all = new ArrayList<>();
    long bytes = 0;
    long read = 0;
    int keptCount = 0;
    for (var f : perFile) if (f.extracted() != null) keptCount += f.extracted().kept().size();
    int[] estimates = new int[keptCount]; // per sample of all, its token estimate
    for (var f : perFile) {
      SourceExtraction.Extracted e = f.extracted();
      if (e == null) continue;
      read++;
      bytes += f.file().size();
      System.arraycopy(e.estimates(), 0, estimates, all.size(), e.estimates().length);
      all.addAll(e.kept());
      for (String why : e.rejected()) filtered.merge(why, 1L, Long::sum);
    }
    if (all.isEmpty()) {
      throw new IOException(
          String.join(", ", roots.stream().map(Path::toString).toList())
              + ": no source files to learn from ("
              + read
              + " files read; skipped: "
              + report.filesSkipped()
              + ")");
    }
    times.lap("gather");
    listener.onProgress(
        new Progress("dedup", 0, all.size(), Map.of("samples", (long) all.size()), -1));
    Deduplicator.Result dedup = new Deduplicator(options.nearDup()).run(all, cancel, times);
    DatasetStats stats =
        DatasetStats.of(
            dedup.kept(),
            estimatesOfKept(all, estimates, dedup.kept()),
            read,
            bytes,
            dedup,
            filtered,
            report,
            options.secrets());
    times.lap("stats");
    listener.onProgress(
        new Progress(
            "dedup", all.size(), all.size(), Map.of("samples", (long) dedup.kept().size()), 0));
    return new Built(dedup.kept(), stats);
  }

  /** Writes samples.jsonl and stats.json, removing prepared shards of older samples. */
  public void write(Path out, Built b) throws IOException {
    cancel.check();
    if (Files.exists(out) && !Files.isDirectory(out)) throw new IOException(out + ": not a folder");
    Files.createDirectories(out);
    for (String stale : PREPARED) Files.deleteIfExists(out.resolve(stale));
    listener.onProgress(
        new Progress("write", 0, 1, Map.of("samples", (long) b.samples().size()), -1));
    Path samples = out.resolve(SamplesFile.NAME);
    try {
      SamplesFile.write(samples, b.samples(), options.threads());
    } catch (IOException e) {
      throw cannotWrite(samples, e);
    }
    try {
      AtomicFiles.writeString(
          out.resolve(STATS), JSON.writeValueAsString(b.stats().toJson()) + "\n");
    } catch (IOException e) {
      throw cannotWrite(out.resolve(STATS), e);
    }
    listener.onProgress(
        new Progress("write", 1, 1, Map.of("samples", (long) b.samples().size()), 0));
  }

  /** A write failure (a full disk ...) as one line naming the file. */
  static IOException cannotWrite(Path file, IOException e) {
    String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return new IOException(
        file + ": cannot write (" + why + "); nothing half-written was left in its place", e);
  }

  /**
   * The estimates of {@code all}'s samples that {@code kept} holds: kept is a subsequence of all,
   * in order, of the same objects, so one walk pairs them.
   */
  private static int[] estimatesOfKept(List<Sample> all, int[] estimates, List<Sample> kept) {
    int[] out = new int[kept.size()];
    int k = 0;
    for (int i = 0; i < all.size() && k < out.length; i++) {
      if (all.get(i) == kept.get(k)) out[k++] = estimates[i];
    }
    if (k != out.length) throw new IllegalStateException("kept samples out of input order");
    return out;
  }
}
