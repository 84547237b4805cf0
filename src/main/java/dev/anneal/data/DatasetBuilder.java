package dev.anneal.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.data.extract.Extraction;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.secrets.SecretFinding;
import dev.anneal.data.secrets.SecretScanner;
import dev.anneal.io.AtomicFiles;
import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import dev.anneal.task.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

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
    List<SourceScanner.Candidate> files = new ArrayList<>();
    for (Path root : roots) {
      String prefix = roots.size() > 1 ? root.toAbsolutePath().normalize().getFileName() + "/" : "";
      files.addAll(scanner.scan(root, prefix));
      listener.onProgress(
          new Progress("scan", files.size(), -1, Map.of("files", (long) files.size()), -1));
    }
    files.sort((a, b) -> a.rel().compareTo(b.rel()));
    times.lap("scan");
    List<Extracted> perFile = extractAll(files, report);
    times.lap("read+secrets+extract+filter");
    Map<String, Long> filtered = new TreeMap<>();
    List<Sample> all = new ArrayList<>();
    long bytes = 0;
    long read = 0;
    for (int i = 0; i < files.size(); i++) {
      Extracted e = perFile.get(i);
      if (e == null) continue;
      read++;
      bytes += files.get(i).size();
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
        DatasetStats.of(dedup.kept(), read, bytes, dedup, filtered, report, options.secrets());
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
      SamplesFile.write(samples, b.samples());
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

  /** One file's samples that pass the filters, and why each of the others was dropped. */
  private record Extracted(List<Sample> kept, List<String> rejected) {}

  /**
   * Reads, extracts and filters every file on a pool; a null entry is a file skipped while reading.
   */
  private List<Extracted> extractAll(List<SourceScanner.Candidate> files, ScanReport report)
      throws IOException {
    ExecutorService pool = Workers.pool(options.threads(), "anneal-extract");
    long total = files.stream().mapToLong(SourceScanner.Candidate::size).sum();
    AtomicLong doneFiles = new AtomicLong();
    AtomicLong doneBytes = new AtomicLong();
    AtomicLong samples = new AtomicLong();
    long t0 = System.nanoTime();
    try {
      List<Future<Extracted>> futures = new ArrayList<>(files.size());
      for (SourceScanner.Candidate c : files) {
        futures.add(
            pool.submit(
                () -> {
                  cancel.check();
                  Extracted out = filter(extractOne(c, report));
                  long d = doneFiles.incrementAndGet();
                  long bytes = doneBytes.addAndGet(c.size());
                  long s =
                      samples.addAndGet(
                          out == null ? 0 : out.kept().size() + out.rejected().size());
                  double secs = (System.nanoTime() - t0) / 1e9;
                  double eta = bytes > 0 ? secs * (total - bytes) / bytes : -1;
                  listener.onProgress(
                      new Progress(
                          "extract",
                          d,
                          files.size(),
                          Map.of("files", d, "samples", s, "bytes", bytes),
                          eta));
                  return out;
                }));
      }
      List<Extracted> out = new ArrayList<>(files.size());
      for (Future<Extracted> f : futures) out.add(f.get());
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancelledException();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof CancelledException c) throw c;
      if (e.getCause() instanceof UncheckedIOException u) throw u.getCause();
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The samples of the kinds selected that pass the quality filter; null for null. */
  private Extracted filter(List<Sample> samples) {
    if (samples == null) return null;
    List<Sample> kept = new ArrayList<>(samples.size());
    List<String> rejected = new ArrayList<>();
    for (Sample s : samples) {
      String why = options.keeps(s.kind()) ? options.quality().reject(s) : "kind_not_selected";
      if (why == null) kept.add(s);
      else rejected.add(why);
    }
    return new Extracted(kept, rejected);
  }

  private List<Sample> extractOne(SourceScanner.Candidate c, ScanReport report) {
    SourceReader.Read r = SourceReader.read(c);
    if (r.skipped() != null) {
      if (r.skipped() == SkipReason.INVALID_UTF8 || r.skipped() == SkipReason.UNREADABLE) {
        report.problem(c.rel(), r.skipped());
      } else {
        report.skip(r.skipped());
      }
      return null;
    }
    String text = r.text();
    List<SecretScanner.Match> secrets = SecretScanner.find(text);
    if (!secrets.isEmpty()) {
      for (SecretScanner.Match m : secrets) {
        report.secret(new SecretFinding(c.rel(), SecretScanner.lineOf(text, m.start()), m.kind()));
      }
      switch (options.secrets()) {
        case MASK -> text = SecretScanner.mask(text, secrets);
        case DROP -> {
          report.skip(SkipReason.SECRET);
          return null;
        }
        case KEEP -> {}
      }
    }
    return Extraction.samples(c.rel(), text, c.language(), options.maxTokens());
  }
}
