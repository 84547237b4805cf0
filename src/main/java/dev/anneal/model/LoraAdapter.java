package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * A low-rank adapter on one projection, as PEFT defines it: Δy = (alpha / r) · B·A·dropout(x), with
 * A [r, in] (Kaiming-uniform at start) and B [out, r] (zeros at start, so a fresh adapter changes
 * nothing). Merging adds the same Δ into the base weight so the adapter path can be skipped;
 * unmerging subtracts it again (as PEFT does: exact up to fp32 rounding).
 */
final class LoraAdapter {
  final NDArray a;
  final NDArray b;
  private final float scaling;
  private final double dropout;
  private boolean merged;

  LoraAdapter(NDArray a, NDArray b, double scaling, double dropout) {
    this.a = a;
    this.b = b;
    this.scaling = (float) scaling;
    this.dropout = dropout;
  }

  boolean merged() {
    return merged;
  }

  /** Takes another adapter's merged state without folding: a replica's, whose weight is shared. */
  void followMerged(LoraAdapter other) {
    merged = other.merged;
  }

  /** The adapter's contribution for input x (..., in) → (..., out). */
  NDArray delta(NDArray x, ForwardPass pass) {
    NDArray h = pass.dropout(x, dropout);
    h = pass.linear(h, a, null);
    return Ops.scale(pass.linear(h, b, null), scaling);
  }

  /** Adds (or with sign −1 removes) scaling·B·A into the base weight, in its own layout. */
  void fold(NDArray weight, Layout layout, int sign) {
    try (NDManager tmp = weight.getManager().newSubManager()) {
      NDArray ba = b.matMul(a); // [out, in]
      ba.attach(tmp);
      NDArray d = ba.mul(sign * scaling);
      d.attach(tmp);
      if (layout == Layout.IN_OUT) {
        d = d.transpose();
        d.attach(tmp);
      }
      weight.addi(d);
    }
    merged = sign > 0;
  }
}
