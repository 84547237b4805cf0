package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of the tokens seen so far, per layer, for generation: prefill with the prompt,
 * then one token at a time. Each layer holds K and V (B, Hkv, maxLen, D), allocated once; a forward
 * writes its new rows in place and attends over the first {@link #length()} + T rows. Keys are
 * stored after RoPE, so a cached key never needs rotating again.
 */
public final class KvCache implements AutoCloseable {
  private final NDManager manager;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final int batch;
  private final int maxLen;
  private int length;

  KvCache(
      NDManager parent,
      int layers,
      int batch,
      int kvHeads,
      int headDim,
      int maxLen,
      DataType dtype) {
    this.manager = parent.newSubManager();
    this.keys = new NDArray[layers];
    this.values = new NDArray[layers];
    this.batch = batch;
    this.maxLen = maxLen;
    Shape shape = new Shape(batch, kvHeads, maxLen, headDim);
    for (int l = 0; l < layers; l++) {
      keys[l] = manager.zeros(shape, dtype);
      values[l] = manager.zeros(shape, dtype);
    }
  }

  /** Tokens already cached (the position the next token gets). */
  public int length() {
    return length;
  }

  public int batch() {
    return batch;
  }

  public int maxLen() {
    return maxLen;
  }

  /** Forgets every cached token (the arrays stay allocated). */
  public void reset() {
    length = 0;
  }

  /** Checks that T more tokens fit before a forward writes anything. */
  void checkRoom(long b, long t) {
    if (b != batch) {
      throw new IllegalArgumentException(
          "batch " + b + " does not match the cache's batch " + batch);
    }
    if (length + t > maxLen) {
      throw new IllegalArgumentException(
          "cache holds " + maxLen + " tokens; " + length + " cached + " + t + " new do not fit");
    }
  }

  /**
   * Writes this layer's new keys and values (B, Hkv, T, D) at rows length … length+T−1 and returns
   * views of rows 0 … length+T−1, owned by the pass.
   */
  NDArray[] append(int layer, NDArray k, NDArray v, ForwardPass pass) {
    long t = k.getShape().get(2);
    NDIndex fresh = new NDIndex().addAllDim().addAllDim().addSliceDim(length, length + t);
    keys[layer].set(fresh, k);
    values[layer].set(fresh, v);
    NDIndex seen = new NDIndex().addAllDim().addAllDim().addSliceDim(0, length + t);
    return new NDArray[] {
      keys[layer].get(pass.manager, seen), values[layer].get(pass.manager, seen)
    };
  }

  /** Called once every layer has appended T tokens. */
  void advance(int t) {
    length += t;
  }

  @Override
  public void close() {
    manager.close();
  }
}
