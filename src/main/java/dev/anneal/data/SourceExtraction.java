package dev.anneal.data;

import dev.anneal.data.extract.Extraction;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.TextStats;
import dev.anneal.data.secrets.SecretFinding;
import dev.anneal.data.secrets.SecretScanner;
import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import dev.anneal.task.Workers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The build's first stages: scans the source folders and reads, secret-scans, extracts and filters
 * their files on a pool. Each file goes to the pool as soon as the walk finds it, so the walk (one
 * thread, much of it in file-system calls) overlaps the extraction instead of preceding it. Results
 * come back in path order whatever order the walk found them in, and problems are reported in that
 * order too, so the output does not depend on the walk or on the threads.
 */
final class SourceExtraction {
  /**
   * One file's samples that pass the filters, a token estimate for each (taken here, while each
   * sample's text is in cache from the filter, rather than in a pass of its own over all samples
   * for the stats), and why each of the others was dropped.
   */
  record Extracted(List<Sample> kept, int[] estimates, List<String> rejected) {}

  /**
   * A listed file and what reading it gave: its samples, or null when it was skipped, then with the
   * problem the user should see (null for a quiet skip: empty, generated ...).
   */
  record FileResult(SourceScanner.Candidate file, Extracted extracted, SkipReason problem) {}

  private record Pending(SourceScanner.Candidate file, Future<FileResult> result) {}

  private final BuildOptions options;
  private final ProgressListener listener;
  private final Cancellation cancel;
  private final ScanReport report;
  private final AtomicLong doneFiles = new AtomicLong();
  private final AtomicLong doneBytes = new AtomicLong();
  private final AtomicLong samples = new AtomicLong();

  /** Files and bytes listed, known once the walk has finished; -1 before. */
  private volatile long totalFiles = -1;

  private volatile long totalBytes = -1;
  private long t0;

  SourceExtraction(
      BuildOptions options, ProgressListener listener, Cancellation cancel, ScanReport report) {
    this.options = options;
    this.listener = listener;
    this.cancel = cancel;
    this.report = report;
  }

  /**
   * Every file listed under {@code roots}, in path order, with what reading it gave; the walk is
   * charged to {@code times} as "scan", the rest of the extraction as
   * "read+secrets+extract+filter".
   */
  List<FileResult> run(List<Path> roots, SourceScanner scanner, StageTimes times)
      throws IOException {
    ExecutorService pool = Workers.pool(options.threads(), "anneal-extract");
    t0 = System.nanoTime();
    try {
      List<Pending> pending = new ArrayList<>();
      long bytes = 0;
      for (Path root : roots) {
        String prefix =
            roots.size() > 1 ? root.toAbsolutePath().normalize().getFileName() + "/" : "";
        scanner.scan(root, prefix, c -> pending.add(new Pending(c, pool.submit(() -> task(c)))));
        listener.onProgress(
            new Progress("scan", pending.size(), -1, Map.of("files", (long) pending.size()), -1));
      }
      for (Pending p : pending) bytes += p.file().size();
      totalBytes = bytes;
      totalFiles = pending.size();
      pending.sort(Comparator.comparing(p -> p.file().rel()));
      times.lap("scan");
      List<FileResult> out = new ArrayList<>(pending.size());
      for (Pending p : pending) {
        cancel.check();
        FileResult r = p.result().get();
        if (r.problem() != null) report.problem(r.file().rel(), r.problem());
        out.add(r);
      }
      // On a small source the pool may finish before the walk does, when no task could report
      // against a known total: the stage's end is reported here, after every task's own report.
      reportExtract(totalFiles, doneBytes.get(), samples.get());
      cancel.check();
      times.lap("read+secrets+extract+filter");
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

  /** One file read, extracted and filtered on the pool, with progress once the total is known. */
  private FileResult task(SourceScanner.Candidate c) {
    cancel.check();
    FileResult out = extractOne(c);
    long d = doneFiles.incrementAndGet();
    long bytes = doneBytes.addAndGet(c.size());
    Extracted e = out.extracted();
    long s = samples.addAndGet(e == null ? 0 : e.kept().size() + e.rejected().size());
    // while the walk goes on, its "scan" progress stands for both
    if (totalFiles >= 0) reportExtract(d, bytes, s);
    return out;
  }

  /** The "extract" stage's progress: {@code done} of the listed files, with its bytes' ETA. */
  private void reportExtract(long done, long bytes, long samplesSeen) {
    double secs = (System.nanoTime() - t0) / 1e9;
    double eta = bytes > 0 ? secs * (totalBytes - bytes) / bytes : -1;
    listener.onProgress(
        new Progress(
            "extract",
            done,
            totalFiles,
            Map.of("files", done, "samples", samplesSeen, "bytes", bytes),
            eta));
  }

  private FileResult extractOne(SourceScanner.Candidate c) {
    SourceReader.Read r = SourceReader.read(c);
    if (r.skipped() != null) {
      if (r.skipped() == SkipReason.INVALID_UTF8 || r.skipped() == SkipReason.UNREADABLE) {
        return new FileResult(c, null, r.skipped()); // reported in path order by run
      }
      report.skip(r.skipped());
      return new FileResult(c, null, null);
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
          return new FileResult(c, null, null);
        }
        case KEEP -> {}
      }
    }
    List<Sample> all = Extraction.samples(c.rel(), text, c.language(), options.maxTokens());
    return new FileResult(c, filter(all), null);
  }

  /** The samples of the kinds selected that pass the quality filter. */
  private Extracted filter(List<Sample> samples) {
    List<Sample> kept = new ArrayList<>(samples.size());
    List<String> rejected = new ArrayList<>();
    int[] estimates = new int[samples.size()];
    for (Sample s : samples) {
      TextStats stats = options.keeps(s.kind()) ? TextStats.of(s.text()) : null;
      String why = stats == null ? "kind_not_selected" : options.quality().reject(s.kind(), stats);
      if (why == null) {
        estimates[kept.size()] = stats.tokens();
        kept.add(s);
      } else {
        rejected.add(why);
      }
    }
    return new Extracted(kept, Arrays.copyOf(estimates, kept.size()), rejected);
  }
}
