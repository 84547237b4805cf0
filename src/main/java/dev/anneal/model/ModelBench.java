package dev.anneal.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.task.Cancellation;
import java.util.SplittableRandom;

/**
 * Measures the model blocks alone: a training step's forward + loss + backward (no optimizer), an
 * inference forward, and cached decoding one token at a time. Each figure comes from the median
 * step, so a burst of other work on a shared machine moves it less than a mean. Figures, not a
 * test.
 */
public final class ModelBench {
  private ModelBench() {}

  /**
   * @param trainTokensPerSecond forward + cross-entropy + backward, B·T tokens per step
   * @param forwardTokensPerSecond inference forward, no gradients
   * @param decodeTokensPerSecond one new token per row per call with a KV cache
   * @param msPerTrainStep median wall time of one training step
   */
  public record Result(
      double trainTokensPerSecond,
      double forwardTokensPerSecond,
      double decodeTokensPerSecond,
      double msPerTrainStep,
      long parameters) {}

  public static Result run(
      ModelSpec spec,
      LoraSpec lora,
      int batch,
      int seqLen,
      int steps,
      int warmup,
      Cancellation cancel) {
    try (NDManager root = NDManager.newBaseManager();
        CausalLm lm = CausalLm.create(spec, lora, root, 1)) {
      long params = lm.baseParameters().values().stream().mapToLong(a -> a.getShape().size()).sum();
      SplittableRandom rnd = new SplittableRandom(1);
      for (int i = 0; i < warmup; i++) trainStep(lm, root, rnd, batch, seqLen);
      double[] train = new double[steps];
      for (int i = 0; i < steps; i++) {
        cancel.check();
        long t0 = System.nanoTime();
        trainStep(lm, root, rnd, batch, seqLen);
        train[i] = (System.nanoTime() - t0) / 1e9;
      }
      double[] forward = new double[steps];
      for (int i = 0; i < steps; i++) {
        cancel.check();
        long t0 = System.nanoTime();
        try (NDManager step = root.newSubManager()) {
          lm.forward(ids(step, rnd, spec, batch, seqLen), null, false).logits().getFloat(0, 0, 0);
        }
        forward[i] = (System.nanoTime() - t0) / 1e9;
      }
      int prompt = Math.max(1, seqLen / 2);
      int fresh = seqLen - prompt;
      double[] decode = new double[fresh];
      try (KvCache cache = lm.newCache(batch, seqLen);
          NDManager step = root.newSubManager()) {
        lm.forward(ids(step, rnd, spec, batch, prompt), cache);
        for (int i = 0; i < fresh; i++) {
          cancel.check();
          long t0 = System.nanoTime();
          try (NDManager one = root.newSubManager()) {
            lm.forward(ids(one, rnd, spec, batch, 1), cache).logits().getFloat(0, 0, 0);
          }
          decode[i] = (System.nanoTime() - t0) / 1e9;
        }
      }
      double tokens = (double) batch * seqLen;
      return new Result(
          tokens / median(train),
          tokens / median(forward),
          batch / median(decode),
          median(train) * 1000,
          params);
    }
  }

  private static double median(double[] seconds) {
    double[] s = seconds.clone();
    java.util.Arrays.sort(s);
    return s.length == 0 ? Double.NaN : s[s.length / 2];
  }

  private static void trainStep(CausalLm lm, NDManager root, SplittableRandom rnd, int b, int t) {
    try (NDManager step = root.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray ids = ids(step, rnd, lm.spec(), b, t + 1);
      NDArray input = ids.get(":, 0:" + t);
      NDArray target = ids.get(":, 1:" + (t + 1));
      ForwardResult r = lm.forward(input, null, true);
      NDArray loss = LmLoss.crossEntropy(r.logits(), target, null);
      gc.backward(r.auxLoss() == null ? loss : loss.add(r.auxLoss()));
      for (NDArray p : lm.trainableParameters().values()) p.getGradient().attach(step);
    }
  }

  private static NDArray ids(NDManager m, SplittableRandom rnd, ModelSpec spec, int b, int t) {
    long[] ids = new long[b * t];
    for (int i = 0; i < ids.length; i++) ids[i] = rnd.nextInt(spec.vocab());
    return m.create(ids, new Shape(b, t));
  }
}
