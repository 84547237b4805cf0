package dev.anneal.data;

/**
 * Settings of {@code dataset prepare}.
 *
 * @param tokenizer a {@code tokenizer.json} path (or a hub id when online)
 * @param seqLen tokens per packed sequence
 * @param fimRate share of documents turned into fill-in-the-middle
 * @param fimSpmRate of those, the share in SPM order (the rest PSM)
 * @param valFraction share of source paths held out for validation
 * @param seed seed of the FIM cuts (per document, so threads do not change them)
 */
public record PrepareOptions(
    String tokenizer,
    int seqLen,
    double fimRate,
    double fimSpmRate,
    double valFraction,
    long seed) {

  /**
   * The defaults everywhere a dataset is prepared (the studio's Datasets form, the sample dataset
   * Train builds, {@code dataset prepare}): half the documents in fill-in-the-middle form, as code
   * models are trained, half of those in SPM order, a tenth of the paths held out.
   */
  public static final double DEFAULT_FIM_RATE = 0.5;

  public static final double DEFAULT_FIM_SPM_RATE = 0.5;
  public static final double DEFAULT_VAL_FRACTION = 0.1;
  public static final long DEFAULT_SEED = 1234;

  public PrepareOptions {
    if (seqLen < 2)
      throw new IllegalArgumentException("--seq-len must be at least 2, got " + seqLen);
    check("--fim-rate", fimRate);
    check("--fim-spm-rate", fimSpmRate);
    check("--val-fraction", valFraction);
    if (valFraction >= 1)
      throw new IllegalArgumentException("--val-fraction must be below 1, got " + valFraction);
  }

  private static void check(String name, double v) {
    if (!(v >= 0 && v <= 1))
      throw new IllegalArgumentException(name + " must be in [0, 1], got " + v);
  }
}
