package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.anneal.preset.Balancing;
import dev.anneal.preset.MoeSpec;

/**
 * The router of one MoE layer: softmax over E expert logits, top-k choice, weights renormalised
 * over the k chosen (as Mixtral) times {@code route_scale}. With {@code aux_free} balancing (seed
 * 004, DeepSeek-V3) a per-expert bias is added to the scores used for the choice only — never to
 * the weights — and is nudged after each step toward the experts that got too little load. With
 * {@code aux_loss} (seed 001) the switch-transformer loss E·Σₑ fₑ·Pₑ times its weight joins the
 * training loss. Group-limited routing keeps, per token, the {@code topk_groups} groups whose best
 * expert scores highest.
 */
final class MoeRouter {
  /** The router's choice for N tokens. experts (N, k) int64, weights (N, k), probs (N, E). */
  record Decision(NDArray experts, NDArray weights, NDArray probs, NDArray logits) {}

  final Linear gate;

  /** {@code e_score_correction_bias} [E], or null unless balancing is aux_free. */
  final NDArray balanceBias;

  private final MoeSpec spec;

  MoeRouter(Weights w, String path) {
    this.spec = w.spec.moe();
    long e = spec.experts();
    gate =
        w.linear(
            path + ".gate",
            "block_sparse_moe",
            Layout.OUT_IN,
            w.spec.hidden(),
            e,
            false,
            w.spec.initStd());
    balanceBias =
        spec.balancing() == Balancing.AUX_FREE
            ? w.constant(path + ".gate.e_score_correction_bias", 0, Param.Kind.BUFFER, e)
            : null;
  }

  /** x (N, C) → the choice of k experts per token and their weights. */
  Decision route(NDArray x, ForwardPass pass) {
    NDArray logits = pass.float32(gate.forward(x, pass)); // routing decides in float32
    NDArray probs = logits.softmax(-1);
    NDArray scores = probs.stopGradient();
    if (balanceBias != null) scores = scores.add(balanceBias);
    if (spec.groups() > 1) scores = limitGroups(scores);
    NDArray experts = scores.topK(spec.expertsPerToken(), -1, true, true).get(1);
    NDArray weights = probs.gather(experts, 1);
    weights = Ops.scale(weights.div(weights.sum(new int[] {-1}, true)), spec.routeScale());
    return new Decision(experts, weights, probs, logits);
  }

  /** Pushes experts outside each token's best groups below every score in them. */
  private NDArray limitGroups(NDArray scores) {
    long n = scores.getShape().get(0), e = scores.getShape().get(1);
    int g = spec.groups();
    NDArray best = scores.reshape(n, g, e / g).max(new int[] {-1}); // (N, G)
    NDArray kept = best.topK(spec.topkGroups(), -1, true, true).get(1).oneHot(g).sum(new int[] {1});
    NDArray allowed = kept.reshape(n, g, 1).broadcast(n, g, e / g).reshape(n, e);
    return scores.add(allowed.sub(1f).mul(1e9f));
  }

  /**
   * Records load and entropy for the charts and the aux-free balancing update.
   *
   * @param counts routed slots per expert (E), summing to N·k
   */
  LayerRouting record(int layer, Decision d, float[] counts) {
    long n = d.probs().getShape().get(0);
    float slots = n * spec.expertsPerToken();
    float[] load = new float[counts.length];
    for (int i = 0; i < counts.length; i++) load[i] = counts[i] / slots;
    NDArray logits = d.logits().stopGradient();
    float entropy =
        logits
            .softmax(-1)
            .mul(logits.logSoftmax(-1))
            .sum(new int[] {-1})
            .mean()
            .neg()
            .toType(DataType.FLOAT32, false)
            .getFloat();
    return new LayerRouting(layer, load, entropy);
  }

  /**
   * Adds the switch loss to the pass while training with aux_loss balancing; nothing otherwise.
   *
   * @param counts routed slots per expert (E), summing to N·k
   */
  void addAuxLoss(Decision d, float[] counts, ForwardPass pass) {
    if (!pass.training || spec.balancing() != Balancing.AUX_LOSS || spec.auxLossWeight() <= 0)
      return;
    long n = d.probs().getShape().get(0);
    float[] fraction = new float[counts.length];
    for (int i = 0; i < counts.length; i++) fraction[i] = counts[i] / n;
    // A copy libtorch owns: create() wraps the Java array (from_blob), and autograd keeps f
    // for the backward after the block's manager has closed its handle and the buffer with it.
    NDArray f = pass.manager.create(fraction).toType(d.probs().getDataType(), false).duplicate();
    NDArray meanProb = d.probs().mean(new int[] {0});
    float scale = (float) (counts.length * spec.auxLossWeight());
    pass.addAuxLoss(Ops.scale(meanProb.mul(f).sum(), scale));
  }

  /**
   * The aux-free update (DeepSeek-V3): bᵢ += rate · sign(mean load − loadᵢ), so an overloaded
   * expert becomes less likely to be chosen. Does nothing without aux_free balancing.
   */
  void updateBias(float[] load) {
    if (balanceBias == null) return;
    float[] b = balanceBias.toFloatArray();
    float mean = 1f / load.length;
    for (int i = 0; i < b.length; i++) {
      b[i] += (float) (spec.biasUpdateRate() * Math.signum(mean - load[i]));
    }
    balanceBias.set(b);
  }
}
