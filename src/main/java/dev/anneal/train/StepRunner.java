package dev.anneal.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.anneal.model.CausalLm;
import dev.anneal.model.LayerRouting;
import dev.anneal.model.TrainingLoss;
import dev.anneal.model.WeightCasts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Forward and backward passes of one optimizer step: accumulates gradients over micro batches, and
 * reports the mean loss, the gradient norm before clipping and the router statistics.
 *
 * <p>Memory: each micro batch's tensors live in a manager of their own, closed as soon as its
 * backward is done, so the activations of one micro batch are alive at a time (and within it one
 * block's temporaries, see the model's forward). Host reads: the losses and the norm stay on the
 * device and come back together in one read at the end of the step, the one wait a step makes (MoE
 * layers also read their expert counts, which decide the dispatch). With a {@link CpuSplit}, each
 * micro batch runs as two halves of its rows on two threads at once, and the step's end too.
 */
final class StepRunner implements AutoCloseable {
  /** What one step's passes produced. */
  record Outcome(double loss, double gradNorm, long tokens, List<LayerRouting> routing) {}

  private final CausalLm model;
  private final Map<String, NDArray> params;
  private final double lossClamp;
  private final boolean checkpointing;
  private final CpuSplit split;
  private float distortNext = 1f;

  /**
   * @param checkpointing recompute each block's activations in the backward instead of keeping them
   */
  StepRunner(CausalLm model, Map<String, NDArray> params, Double lossClamp, boolean checkpointing) {
    this(model, params, lossClamp, checkpointing, null);
  }

  /**
   * @param split runs each micro batch's halves on two threads at once, or null for one thread;
   *     closed with this runner
   */
  StepRunner(
      CausalLm model,
      Map<String, NDArray> params,
      Double lossClamp,
      boolean checkpointing,
      CpuSplit split) {
    this.split = split;
    this.model = model;
    this.checkpointing = checkpointing;
    this.params = params;
    this.lossClamp = lossClamp == null ? Double.NaN : lossClamp;
  }

  /**
   * Multiplies the next step's loss (and its gradients) by {@code factor}: NaN tests the NaN-skip
   * rule, a large factor the spike rollback. A test seam; 1 leaves the step alone.
   */
  void distortNextStep(float factor) {
    distortNext = factor;
  }

  /** Runs the passes, clips the gradients to {@code clip}, and leaves them on the parameters. */
  Outcome run(List<Batch> micro, double clip, NDManager step) {
    float distort = distortNext;
    distortNext = 1f;
    NDArray lossSum = null; // detached, on the device
    long tokens = 0;
    List<LayerRouting> routing = new ArrayList<>();
    // Token-weighted over the step: each micro batch's mean loss counts by its share of the
    // counted targets, so the step's loss is the mean over every counted target, however padding
    // or an instruction mask spreads them over the micro batches (equal shares would let a micro
    // batch with three trained targets weigh as much as one with three hundred).
    long counted = 0;
    for (Batch b : micro) counted += b.countedTokens();
    CausalLm replica = split == null ? null : split.replica();
    try (WeightCasts casts = model.castWeightsOncePerStep(step);
        WeightCasts replicaCasts = replica == null ? null : replica.castWeightsOncePerStep(step)) {
      for (Batch b : micro) {
        float share = counted == 0 ? 1f / micro.size() : (float) b.countedTokens() / counted;
        NDArray value =
            split != null && b.rows() >= 2
                ? splitPasses(
                    b, share, counted, distort, step, replica, casts, replicaCasts, routing)
                : wholePasses(b, share, distort, step, casts, routing);
        lossSum = lossSum == null ? value : lossSum.add(value);
        tokens += (long) b.rows() * b.cols();
      }
    }
    NDArray norm =
        split != null
            ? split.gatherAndClip(params, clip, step)
            : GradientClipping.clipOnDevice(gradients(step).values(), clip, step);
    float[] read = NDArrays.stack(new NDList(lossSum, norm.reshape(new Shape()))).toFloatArray();
    return new Outcome(read[0], read[1], tokens, average(routing));
  }

  /**
   * The passes of the whole of {@code b} on this thread; its weighted loss, owned by {@code step}.
   */
  private NDArray wholePasses(
      Batch b,
      float share,
      float distort,
      NDManager step,
      WeightCasts casts,
      List<LayerRouting> routing) {
    return flushedPasses(
        model, b, step.full(new Shape(), share), distort, step, casts, routing, false);
  }

  /**
   * {@link #passes} of {@code b} in a manager of its own, closed on the calling thread once the
   * weight copies' gradients are flushed into the weights' ({@code casts}, null when the step casts
   * none).
   *
   * @return the weighted loss, owned by {@code step}
   */
  private NDArray flushedPasses(
      CausalLm model,
      Batch b,
      NDArray share,
      float distort,
      NDManager step,
      WeightCasts casts,
      List<LayerRouting> routing,
      boolean onStepThread) {
    try (NDManager mb = step.newSubManager()) {
      NDArray value = passes(model, b, share, distort, mb, routing, onStepThread);
      if (casts != null) casts.flushGradients();
      value.attach(step);
      return value;
    }
  }

  /**
   * The passes of {@code b}'s two halves of rows at once, the first through the model, the second
   * through the split's replica; each half weighs by its own share of the step's counted targets,
   * so the two add up to the whole micro batch's loss and gradients.
   *
   * @param share the whole micro batch's share, used when the step counts no target at all
   * @param replica the split's replica for this step, which runs the second half
   * @param routing receives each half's MoE routing, the first half's first
   * @return the two halves' weighted losses added (first, then second), owned by {@code step}
   */
  private NDArray splitPasses(
      Batch b,
      float share,
      long counted,
      float distort,
      NDManager step,
      CausalLm replica,
      WeightCasts casts,
      WeightCasts replicaCasts,
      List<LayerRouting> routing) {
    int cut = (b.rows() + 1) / 2;
    Batch head = b.rows(0, cut);
    Batch tail = b.rows(cut, b.rows());
    NDArray headShare = step.full(new Shape(), halfShare(head, b, share, counted));
    NDArray tailShare = step.full(new Shape(), halfShare(tail, b, share, counted));
    List<LayerRouting> headRouting = new ArrayList<>(), tailRouting = new ArrayList<>();
    // Each half frees what its passes made on its own thread (hundreds of tensors: about 0.7 ms
    // a nano step when the caller freed both halves after them).
    List<NDArray> values =
        split.both(
            () -> flushedPasses(model, head, headShare, distort, step, casts, headRouting, true),
            () ->
                flushedPasses(
                    replica, tail, tailShare, distort, step, replicaCasts, tailRouting, true));
    // Each half's routing counts as a micro batch's (the step averages them): the whole batch's
    // expert loads when the halves have equal rows.
    routing.addAll(headRouting);
    routing.addAll(tailRouting);
    return values.get(0).add(values.get(1));
  }

  private static float halfShare(Batch half, Batch whole, float share, long counted) {
    return counted == 0
        ? share * half.rows() / whole.rows()
        : (float) half.countedTokens() / counted;
  }

  /**
   * Forward and backward of one micro batch, its loss weighted by {@code share} (its part of the
   * step's counted targets) and by the test seam's {@code distort}; the gradients land on the
   * parameters (or the step's weight copies), the routing statistics in {@code routing}.
   *
   * @param model the model, or on a split step's second thread its replica
   * @param onStepThread on one of a split's threads, where DJL's collector (one in the process) is
   *     not used
   * @return the micro batch's loss times share and distort, detached, owned by {@code mb}
   */
  private NDArray passes(
      CausalLm model,
      Batch b,
      NDArray share,
      float distort,
      NDManager mb,
      List<LayerRouting> routing,
      boolean onStepThread) {
    Shape shape = new Shape(b.rows(), b.cols());
    NDArray ids = mb.create(b.ids(), shape);
    NDArray targets = mb.create(b.targets(), shape);
    NDArray docs = b.docIdsFor(mb);
    NDArray mask = mb.create(b.mask(), shape);
    NDArray value;
    try (GradientCollector gc =
        onStepThread
            ? new ThreadGradients(model.trainableParameters().values())
            : Engine.getInstance().newGradientCollector()) {
      if (checkpointing) {
        // The same loss as below, differentiated in pieces: the head's part here, each block's
        // switch loss (weighted alike) when the block is recomputed.
        NDArray weight = distort != 1f ? share.mul(mb.full(new Shape(), distort)) : share;
        NDArray[] kept = new NDArray[1];
        routing.addAll(
            model.backwardCheckpointed(
                ids,
                docs,
                targets,
                mask,
                gc,
                loss -> {
                  kept[0] = loss.stopGradient();
                  kept[0].attach(mb); // outlives the head's manager
                  return clamped(loss, kept[0], mb).mul(weight);
                },
                weight));
        value = kept[0];
      } else {
        TrainingLoss r = model.trainingLoss(ids, docs, targets, mask);
        NDArray loss = r.loss();
        value = loss.stopGradient();
        loss = clamped(loss, value, mb);
        if (r.auxLoss() != null) loss = loss.add(r.auxLoss());
        if (distort != 1f) loss = loss.mul(mb.full(new Shape(), distort));
        gc.backward(loss.mul(share));
        routing.addAll(r.routing());
      }
    }
    if (distort != 1f) value = value.mul(mb.full(new Shape(), distort));
    return value.mul(share);
  }

  /**
   * Seed 002's loss clamping: an extreme loss still trains, but with a bounded gradient: loss ·
   * clamp / max(loss, clamp), the factor detached. Scalars from full(), owned by libtorch: DJL's
   * mul(Number) frees its scalar while autograd still holds it (Ops.scale).
   *
   * @param value the loss, detached
   */
  private NDArray clamped(NDArray loss, NDArray value, NDManager mb) {
    if (!Double.isFinite(lossClamp)) return loss;
    NDArray c = mb.full(new Shape(), (float) lossClamp);
    return loss.mul(c.div(value.maximum(c)));
  }

  /**
   * The parameters' gradients, attached to the step's manager: each getGradient() is a new native
   * handle owned by the parameter's manager, which lives as long as the run, so one left there
   * every step leaks until the run ends.
   */
  Map<String, NDArray> gradients(NDManager step) {
    Map<String, NDArray> grads = new LinkedHashMap<>();
    for (var e : params.entrySet()) {
      NDArray g = e.getValue().getGradient();
      g.attach(step);
      grads.put(e.getKey(), g);
    }
    return grads;
  }

  /** Zeroes every gradient ({@link #zero}). */
  void zeroGradients(NDManager step) {
    for (NDArray p : params.values()) {
      NDArray g = p.getGradient();
      g.attach(step);
      zero(g);
    }
  }

  /** Sets a gradient to zero in place, NaN included (multiplying by zero would keep a NaN). */
  static void zero(NDArray gradient) {
    gradient.set(new NDIndex("..."), 0f);
  }

  /** Per layer, the mean load and entropy over the micro batches. */
  private static List<LayerRouting> average(List<LayerRouting> all) {
    Map<Integer, float[]> load = new LinkedHashMap<>();
    Map<Integer, float[]> entropy = new LinkedHashMap<>();
    for (LayerRouting r : all) {
      float[] sum = load.computeIfAbsent(r.layer(), k -> new float[r.load().length]);
      for (int e = 0; e < sum.length; e++) sum[e] += r.load()[e];
      float[] h = entropy.computeIfAbsent(r.layer(), k -> new float[2]);
      h[0] += r.entropy();
      h[1] += 1;
    }
    List<LayerRouting> out = new ArrayList<>();
    for (var e : load.entrySet()) {
      float n = entropy.get(e.getKey())[1];
      float[] l = e.getValue();
      for (int i = 0; i < l.length; i++) l[i] /= n;
      out.add(new LayerRouting(e.getKey(), l, entropy.get(e.getKey())[0] / n));
    }
    return out;
  }

  /** Applies the step's gradients and zeroes them, on the split's two threads when there is one. */
  void update(AdamW optimizer, double lr, NDManager step) {
    if (split != null) {
      split.update(optimizer, params, lr, step);
      return;
    }
    optimizer.step(params, gradients(step), lr);
    zeroGradients(step);
  }

  /** True when each micro batch runs as two halves on two threads ({@link CpuSplit}). */
  boolean splits() {
    return split != null;
  }

  @Override
  public void close() {
    if (split != null) split.close();
  }
}
