package dev.anneal.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.anneal.engine.LibtorchCast;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The bf16 copies of a model's weights for one optimizer step: each weight is cast once, when a
 * pass of the step first multiplies by it, and every micro batch and every recompute of the step
 * (activation checkpointing) reuses the copy. Without it each forward casts every weight again, and
 * each backward casts every weight's gradient back; with LoRA the frozen base weights, most of the
 * model, were cast anew for every micro batch.
 *
 * <p>A copy is a leaf of its own: a backward leaves the weight's gradient on the copy, in bf16, as
 * the cast's backward received it. {@link #flushGradients} adds each to its float32 weight's
 * gradient (the float32 sum over micro batches the cast's backward made) and starts the copy's
 * afresh. The gradients are therefore the same numbers as without the copies. The copies die when
 * the step closes: the optimizer then changes the weights they were made from.
 */
public final class WeightCasts implements AutoCloseable {
  private final NDManager manager;
  private final Set<NDArray> weights;
  private final Map<NDArray, NDArray> copies = new IdentityHashMap<>();
  private final Set<NDArray> onlyThroughCopies;
  private final Runnable onClose;
  private boolean flushed;

  /**
   * @param weights the model's weights (the arrays themselves, compared by identity); other arrays
   *     passed to {@link #of} are cast on the spot, as before
   * @param onlyThroughCopies the weights a pass reads only through their copies (the projections'),
   *     whose float32 gradient nothing else adds to during a step; others (an embedding that is
   *     also the head) may take gradients of their own as well
   * @param manager the step's: owns the copies
   * @param defineGradients give every trainable weight a defined gradient first (once per model and
   *     set of trainable weights)
   */
  WeightCasts(
      Collection<NDArray> weights,
      Collection<NDArray> onlyThroughCopies,
      NDManager manager,
      boolean defineGradients,
      Runnable onClose) {
    this.manager = manager.newSubManager();
    this.weights = Collections.newSetFromMap(new IdentityHashMap<>());
    this.weights.addAll(weights);
    this.onlyThroughCopies = Collections.newSetFromMap(new IdentityHashMap<>());
    this.onlyThroughCopies.addAll(onlyThroughCopies);
    this.onClose = onClose;
    if (defineGradients) defineGradients();
  }

  /** True when {@code w} is one of the model's weights, which this step casts once. */
  boolean holds(NDArray w) {
    return weights.contains(w);
  }

  /** The bf16 copy of weight {@code w}, made on first use; a leaf that takes w's gradient. */
  NDArray of(NDArray w) {
    NDArray copy = copy(w);
    if (w.hasGradient() && !copy.hasGradient()) copy.setRequiresGradient(true);
    return copy;
  }

  /**
   * The copy of {@code w} for products outside autograd (the chunked head makes its own gradient):
   * no gradient is collected on it for this use.
   */
  NDArray detached(NDArray w) {
    NDArray view = copy(w).stopGradient();
    view.attach(manager);
    return view;
  }

  private NDArray copy(NDArray w) {
    return copies.computeIfAbsent(
        w,
        k -> {
          NDArray detached = k.stopGradient();
          detached.attach(manager);
          NDArray copy = LibtorchCast.toBf16(detached, manager);
          detached.close();
          return copy;
        });
  }

  /**
   * Adds the gradient each copy received since the last call to its weight's float32 gradient, and
   * clears the copy's. Call after each micro batch's backward.
   */
  public void flushGradients() {
    boolean write = !flushed && LibtorchCast.canCopyInto();
    try (NDManager scratch = manager.newSubManager()) {
      for (var e : copies.entrySet()) {
        NDArray copy = e.getValue();
        if (!copy.hasGradient()) continue;
        NDArray g = copy.getGradient();
        g.attach(scratch);
        NDArray target = e.getKey().getGradient();
        target.attach(scratch); // a handle on the weight's gradient, not the gradient itself
        // A step starts from zeroed gradients, so the step's first flush writes the bf16 gradient
        // into a float32 one that only the copy feeds: the cast is the sum, without reading the
        // zeros. Otherwise fp32 += bf16 in place: on a CPU libtorch widens the bf16 operand into a
        // float32 temporary first (its copy kernel shows under add_ in perf). Both are exact,
        // bf16 being a truncated float32: the same sums as the cast's backward made.
        if (write && onlyThroughCopies.contains(e.getKey())) LibtorchCast.copyInto(target, g);
        else target.addi(g);
        // The same storage as a new leaf without a gradient: the next micro batch starts from none.
        NDArray fresh = copy.stopGradient();
        fresh.attach(manager);
        fresh.setRequiresGradient(true);
        copy.close();
        e.setValue(fresh);
      }
    }
    flushed = true;
  }

  /**
   * Gives every weight that takes a gradient a defined one (zero added; one backward over the
   * weights, hence once per model, not per step): libtorch creates a gradient only when a backward
   * reaches the weight, and with the copies none reaches it; DJL's getGradient() of an undefined
   * one is a detached zero array that would swallow the sums.
   */
  private void defineGradients() {
    try (NDManager scratch = manager.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray sum = null;
      for (NDArray w : weights) {
        if (!w.hasGradient()) continue;
        NDArray flat = w.reshape(-1);
        flat.attach(scratch);
        NDArray zero = flat.sum().mul(scratch.zeros(new Shape(), flat.getDataType()));
        sum = sum == null ? zero : sum.add(zero);
      }
      if (sum != null) gc.backward(sum);
    }
  }

  @Override
  public void close() {
    copies.clear();
    manager.close();
    onClose.run();
  }
}
