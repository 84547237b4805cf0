package dev.anneal.preset;

/**
 * Rotary-embedding context extension. With {@code type: yarn} the frequencies are interpolated per
 * band as in YaRN (Peng et al. 2023) and in Hugging Face's {@code rope_scaling}: {@code
 * betaFast}/{@code betaSlow} bound the band ramp (seed 004 calls them ntk_beta 32 and ntk_alpha 1)
 * and {@code factor} = extended context / {@code originalContext}.
 */
public record RopeScaling(
    String type,
    Double factor,
    Integer originalContext,
    Double betaFast,
    Double betaSlow,
    Double mscale) {

  public RopeScaling {
    if (type == null) type = "yarn";
    if (factor == null) factor = 1.0;
    if (betaFast == null) betaFast = 32.0;
    if (betaSlow == null) betaSlow = 1.0;
    if (mscale == null) mscale = 1.0;
  }
}
