package dev.anneal.data;

import dev.anneal.data.secrets.SecretFinding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the scan left out and why: files by reason, whole folders by reason, and the problems worth
 * a user's attention (symlink loops, unreadable files, invalid UTF-8) with their paths.
 * Thread-safe: readers on several threads report into one.
 */
public final class ScanReport {
  static final int MAX_PROBLEMS = 200;

  private final Map<SkipReason, Long> files = new EnumMap<>(SkipReason.class);
  private final Map<SkipReason, Long> dirs = new EnumMap<>(SkipReason.class);

  /** A problem found while scanning: the file and what was wrong with it. */
  public record Problem(String path, SkipReason reason) {}

  private final List<Problem> problemList = new ArrayList<>();
  private final List<SecretFinding> secretList = new ArrayList<>();

  /** A secret found (its place and kind, never its text). */
  public synchronized void secret(SecretFinding f) {
    secretList.add(f);
  }

  /** The secrets found, ordered by path and line (readers finish in any order). */
  public synchronized List<SecretFinding> secrets() {
    return secretList.stream()
        .sorted(
            java.util.Comparator.comparing(SecretFinding::path)
                .thenComparingInt(SecretFinding::line)
                .thenComparing(SecretFinding::kind))
        .toList();
  }

  public synchronized void skip(SkipReason why) {
    files.merge(why, 1L, Long::sum);
  }

  public synchronized void skipDir(SkipReason why) {
    dirs.merge(why, 1L, Long::sum);
  }

  /** A skipped file whose path the user should see. */
  public synchronized void problem(String path, SkipReason why) {
    skip(why);
    if (problemList.size() < MAX_PROBLEMS) problemList.add(new Problem(path, why));
  }

  public synchronized Map<SkipReason, Long> filesSkipped() {
    return Collections.unmodifiableMap(new EnumMap<>(files));
  }

  public synchronized Map<SkipReason, Long> foldersSkipped() {
    return Collections.unmodifiableMap(new EnumMap<>(dirs));
  }

  public synchronized List<Problem> problems() {
    return List.copyOf(problemList);
  }
}
