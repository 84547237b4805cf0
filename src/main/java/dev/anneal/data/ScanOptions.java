package dev.anneal.data;

import dev.anneal.data.sample.Language;
import java.util.List;
import java.util.Set;

/**
 * What the scanner keeps.
 *
 * @param languages languages to keep; empty keeps every known one
 * @param include gitignore-style globs a file must match (any); empty keeps all
 * @param exclude gitignore-style globs that drop a file
 * @param maxFileBytes files larger than this are skipped as too large
 * @param honourGitignore whether {@code .gitignore} files and {@code .git/info/exclude} apply
 */
public record ScanOptions(
    Set<Language> languages,
    List<String> include,
    List<String> exclude,
    long maxFileBytes,
    boolean honourGitignore) {

  public static final ScanOptions DEFAULT =
      new ScanOptions(Set.of(), List.of(), List.of(), 1_000_000, true);

  public ScanOptions {
    languages = Set.copyOf(languages);
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    if (maxFileBytes <= 0) throw new IllegalArgumentException("max file size must be positive");
  }

  boolean keeps(Language l) {
    return languages.isEmpty() || languages.contains(l);
  }
}
