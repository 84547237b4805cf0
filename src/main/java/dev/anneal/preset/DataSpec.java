package dev.anneal.preset;

import java.util.List;

/**
 * Dataset settings a preset carries; the dataset builder reads the same names.
 *
 * @param paths source folders or files
 * @param languages languages to keep (empty: all known)
 * @param maxTokens longest sample before a file is cut at item boundaries
 * @param fimRate fraction of documents turned into fill-in-the-middle (seed 003: 0.5)
 * @param fimSpmRate of those, the fraction in suffix-prefix-middle order
 * @param valFraction share of files held out for validation (split by path hash)
 * @param nearDup Jaccard threshold above which near-duplicates are dropped
 * @param tokenizer a {@code tokenizer.json} path or a hub id
 */
public record DataSpec(
    List<String> paths,
    List<String> languages,
    Integer maxTokens,
    Double fimRate,
    Double fimSpmRate,
    Double valFraction,
    Double nearDup,
    String tokenizer) {

  public static final DataSpec DEFAULT =
      new DataSpec(null, null, null, null, null, null, null, null);

  public DataSpec {
    paths = paths == null ? List.of() : List.copyOf(paths);
    languages = languages == null ? List.of() : List.copyOf(languages);
    if (maxTokens == null) maxTokens = 2048;
    if (fimRate == null) fimRate = 0.0;
    if (fimSpmRate == null) fimSpmRate = 0.5;
    if (valFraction == null) valFraction = 0.05;
    if (nearDup == null) nearDup = 0.85;
  }
}
