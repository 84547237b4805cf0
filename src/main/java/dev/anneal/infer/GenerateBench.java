package dev.anneal.infer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.anneal.model.CausalLm;
import dev.anneal.model.KvCache;
import dev.anneal.preset.ModelSpec;
import dev.anneal.task.Cancellation;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Decoding speed at a given context length, with the KV cache (one new token through the model per
 * step) and without (the whole sequence through the model per step, as a loop over a plain forward
 * would do). Each step takes the last logits row to the host and picks its argmax, as generation
 * does. Median step times; figures, not a test.
 */
public final class GenerateBench {
  private GenerateBench() {}

  /**
   * @param cachedTokensPerSecond new tokens per second with the cache
   * @param uncachedTokensPerSecond new tokens per second recomputing the whole context each step
   */
  public record Result(
      long parameters, int context, double cachedTokensPerSecond, double uncachedTokensPerSecond) {
    public double speedup() {
      return cachedTokensPerSecond / uncachedTokensPerSecond;
    }
  }

  /**
   * @param context tokens already in the context when the measured steps start
   * @param cached measured steps with the cache
   * @param uncached measured steps without
   */
  public static Result run(
      ModelSpec spec, int context, int cached, int uncached, Cancellation cancel) {
    if (context + cached + 1 > spec.context()) {
      throw new IllegalArgumentException(
          context + " + " + cached + " tokens exceed the model's context " + spec.context());
    }
    try (NoGrad g = NoGrad.enter();
        NDManager root = NDManager.newBaseManager();
        CausalLm lm = CausalLm.create(spec, null, root, 1)) {
      long params = lm.baseParameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
      SplittableRandom rnd = new SplittableRandom(1);
      long[] ids = new long[context + Math.max(cached, uncached) + 1];
      for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(spec.vocab());

      double[] withCache = new double[cached];
      try (KvCache cache = lm.newCache(1, context + cached + 1)) {
        try (NDManager m = root.newSubManager()) {
          lm.forward(m.create(Arrays.copyOf(ids, context), new Shape(1, context)), cache);
        }
        for (int i = 0; i < cached; i++) {
          cancel.check();
          long t0 = System.nanoTime();
          try (NDManager m = root.newSubManager()) {
            NDArray logits =
                lm.forward(m.create(new long[] {ids[context + i]}, new Shape(1, 1)), cache)
                    .logits();
            Sampler.argmax(toDoubles(logits.get(new NDIndex(0, 0)).toFloatArray()));
          }
          withCache[i] = (System.nanoTime() - t0) / 1e9;
        }
      }
      double[] without = new double[uncached];
      for (int i = 0; i < uncached; i++) {
        cancel.check();
        int t = context + i + 1;
        long t0 = System.nanoTime();
        try (NDManager m = root.newSubManager()) {
          NDArray logits =
              lm.forward(m.create(Arrays.copyOf(ids, t), new Shape(1, t)), null, false).logits();
          Sampler.argmax(toDoubles(logits.get(new NDIndex(0, t - 1)).toFloatArray()));
        }
        without[i] = (System.nanoTime() - t0) / 1e9;
      }
      return new Result(params, context, 1 / median(withCache), 1 / median(without));
    }
  }

  private static double[] toDoubles(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) d[i] = f[i];
    return d;
  }

  private static double median(double[] s) {
    double[] c = s.clone();
    Arrays.sort(c);
    return c[c.length / 2];
  }
}
