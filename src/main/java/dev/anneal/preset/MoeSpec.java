package dev.anneal.preset;

/**
 * Mixture-of-experts feed-forward: E routed experts of which k are chosen per token, plus S shared
 * experts every token passes through.
 *
 * @param experts             E, routed experts per layer
 * @param expertsPerToken     k, chosen per token by the router (top-k)
 * @param sharedExperts       S, always-on experts (seed 004 uses 1; Mixtral 0)
 * @param expertIntermediate  width of one expert's SwiGLU; defaults to the model's intermediate
 * @param balancing           {@code aux_free} (a per-expert bias nudged by observed load, seed
 *                            004), {@code aux_loss} (switch-style loss, seed 001) or {@code none}
 * @param biasUpdateRate      step of the aux-free bias update
 * @param auxLossWeight       weight of the switch loss when {@code balancing} is aux_loss
 * @param routeScale          multiplier on routing weights (seed 004)
 * @param groups              expert groups for group-limited routing (seed 004: 1)
 * @param topkGroups          groups a token may use (seed 004: 1)
 */
public record MoeSpec(
    Integer experts,
    Integer expertsPerToken,
    Integer sharedExperts,
    Integer expertIntermediate,
    String balancing,
    Double biasUpdateRate,
    Double auxLossWeight,
    Double routeScale,
    Integer groups,
    Integer topkGroups) {

  public MoeSpec {
    if (sharedExperts == null) sharedExperts = 0;
    if (balancing == null) balancing = "aux_free";
    if (biasUpdateRate == null) biasUpdateRate = 1e-3;
    if (auxLossWeight == null) auxLossWeight = 0.0;
    if (routeScale == null) routeScale = 1.0;
    if (groups == null) groups = 1;
    if (topkGroups == null) topkGroups = 1;
  }
}
