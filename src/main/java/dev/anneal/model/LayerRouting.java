package dev.anneal.model;

/**
 * What one MoE layer's router did in one forward, for the expert-usage charts and for the
 * auxiliary-loss-free balancing update.
 *
 * @param layer layer index
 * @param load per expert, the fraction of routed slots (N tokens × k) it received; sums to 1
 * @param entropy mean over tokens of the router distribution's entropy, in nats (ln E when uniform)
 */
public record LayerRouting(int layer, float[] load, float entropy) {}
