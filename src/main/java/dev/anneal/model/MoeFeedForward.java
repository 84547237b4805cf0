package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.anneal.preset.MoeSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Mixture-of-experts feed-forward: E routed SwiGLU experts of which the router picks k per token,
 * plus S shared experts every token passes through (stored as one SwiGLU of width S·Ie). HF names
 * {@code model.layers.L.block_sparse_moe.*} (Mixtral's, plus DeepSeek-style shared experts).
 *
 * <p>Sparse dispatch without per-token Java loops: the N·k (token, expert) slots are sorted by
 * expert, each expert runs once on its contiguous slice, and the outputs, scaled by their routing
 * weights, are un-permuted and summed over k. Only the E counts cross to Java.
 */
final class MoeFeedForward implements FeedForward {
  private final int layer;
  private final MoeSpec spec;
  final MoeRouter router;
  final List<SwiGlu> experts = new ArrayList<>();
  final SwiGlu shared;

  MoeFeedForward(Weights w, int layer) {
    this.layer = layer;
    this.spec = w.spec.moe();
    String p = "model.layers." + layer + ".block_sparse_moe";
    long ie = expertWidth(w);
    router = new MoeRouter(w, p);
    for (int e = 0; e < spec.experts(); e++) {
      experts.add(
          SwiGlu.create(
              w, p + ".experts." + e, "block_sparse_moe", new String[] {"w1", "w3", "w2"}, ie));
    }
    shared =
        spec.sharedExperts() > 0
            ? SwiGlu.create(
                w,
                p + ".shared_experts",
                "shared_experts",
                new String[] {"gate_proj", "up_proj", "down_proj"},
                spec.sharedExperts() * ie)
            : null;
  }

  static long expertWidth(Weights w) {
    Integer ie = w.spec.moe().expertIntermediate();
    return ie != null ? ie : w.spec.intermediate();
  }

  /** x (B, T, C) → (B, T, C). */
  @Override
  public NDArray forward(NDArray x, ForwardPass pass) {
    Shape shape = x.getShape();
    long c = shape.get(shape.dimension() - 1);
    long n = shape.size() / c;
    int k = spec.expertsPerToken();
    NDArray flat = x.reshape(n, c);
    MoeRouter.Decision d = router.route(flat, pass);

    NDArray slotExpert = d.experts().flatten(); // (N·k): slot j belongs to token j / k
    NDArray order = slotExpert.argSort(0, true); // slots grouped by expert
    float[] counts = slotExpert.oneHot(spec.experts()).sum(new int[] {0}).toFloatArray();
    NDArray slotToken =
        pass.manager.arange(0, n, 1, DataType.INT64).expandDims(1).broadcast(n, k).flatten();
    NDArray routed = flat.get(slotToken.get(order)); // (N·k, C), sorted by expert

    NDList outputs = new NDList();
    long start = 0;
    for (int e = 0; e < counts.length; e++) {
      long count = (long) counts[e];
      if (count == 0) continue;
      NDArray slice = routed.get(new NDIndex().addSliceDim(start, start + count));
      outputs.add(experts.get(e).forward(slice, pass));
      start += count;
    }
    NDArray weights = d.weights().flatten().get(order).expandDims(1);
    NDArray sorted = NDArrays.concat(outputs, 0).mul(weights);
    NDArray y = sorted.get(order.argSort(0, true)).reshape(n, k, c).sum(new int[] {1});
    if (shared != null) y = y.add(shared.forward(flat, pass));
    router.addAuxLoss(d, counts, pass);
    // A block recomputed for its backward (activation checkpointing) routes exactly as its
    // first forward did, which already reported: reporting again would count the step twice.
    if (!pass.recomputing) pass.routing.add(router.record(layer, d, counts));
    return y.reshape(shape);
  }

  @Override
  public List<Linear> projections() {
    List<Linear> all = new ArrayList<>();
    all.add(router.gate);
    experts.forEach(e -> all.addAll(e.projections()));
    if (shared != null) all.addAll(shared.projections());
    return all;
  }
}
