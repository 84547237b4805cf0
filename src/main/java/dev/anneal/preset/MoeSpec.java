package dev.anneal.preset;

/**
 * Mixture-of-experts feed-forward: E routed experts of which k are chosen per token, plus S shared
 * experts every token passes through.
 *
 * @param experts E, routed experts per layer
 * @param expertsPerToken k, chosen per token by the router (top-k)
 * @param sharedExperts S, always-on experts (seed 004 uses 1; Mixtral 0)
 * @param expertIntermediate width of one expert's SwiGLU; defaults to the model's intermediate
 * @param balancing how experts are kept evenly loaded, see {@link Balancing}
 * @param biasUpdateRate step of the aux-free bias update
 * @param auxLossWeight weight of the switch loss when {@code balancing} is aux_loss
 * @param routeScale multiplier on routing weights (seed 004)
 * @param groups expert groups for group-limited routing (seed 004: 1)
 * @param topkGroups groups a token may use (seed 004: 1)
 */
public record MoeSpec(
    Integer experts,
    Integer expertsPerToken,
    Integer sharedExperts,
    Integer expertIntermediate,
    Balancing balancing,
    Double biasUpdateRate,
    Double auxLossWeight,
    Double routeScale,
    Integer groups,
    Integer topkGroups) {

  public MoeSpec {
    if (sharedExperts == null) sharedExperts = 0;
    if (balancing == null) balancing = Balancing.AUX_FREE;
    if (biasUpdateRate == null) biasUpdateRate = 1e-3;
    if (auxLossWeight == null) auxLossWeight = 0.0;
    if (routeScale == null) routeScale = 1.0;
    if (groups == null) groups = 1;
    if (topkGroups == null) topkGroups = 1;
  }

  /** E routed experts, k per token, the other settings at their defaults (aux-free balancing). */
  public static MoeSpec routed(int experts, int expertsPerToken) {
    return new MoeSpec(experts, expertsPerToken, null, null, null, null, null, null, null, null);
  }

  /** A copy with S shared experts, each {@code width} wide (null: the model's intermediate). */
  public MoeSpec withShared(int shared, Integer width) {
    return new MoeSpec(
        experts,
        expertsPerToken,
        shared,
        width,
        balancing,
        biasUpdateRate,
        auxLossWeight,
        routeScale,
        groups,
        topkGroups);
  }

  /** A copy balanced by {@code b}; {@code auxLossWeight} weighs the switch loss (aux_loss). */
  public MoeSpec withBalancing(Balancing b, double auxLossWeight) {
    return new MoeSpec(
        experts,
        expertsPerToken,
        sharedExperts,
        expertIntermediate,
        b,
        biasUpdateRate,
        auxLossWeight,
        routeScale,
        groups,
        topkGroups);
  }

  /** A copy with routing weights scaled by {@code scale} and group-limited routing. */
  public MoeSpec withRouting(double scale, int groups, int topkGroups) {
    return new MoeSpec(
        experts,
        expertsPerToken,
        sharedExperts,
        expertIntermediate,
        balancing,
        biasUpdateRate,
        auxLossWeight,
        scale,
        groups,
        topkGroups);
  }
}
