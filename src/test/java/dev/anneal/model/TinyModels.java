package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.anneal.preset.Balancing;
import dev.anneal.preset.Family;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.RopeScaling;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Two-layer, hidden-32 specs of every family, and small helpers the model tests share. */
final class TinyModels {
  private TinyModels() {}

  static final int LAYERS = 2;
  static final int HIDDEN = 32;
  static final int VOCAB = 50;
  static final int CONTEXT = 64;

  /** GPT-2 with its defaults: biases everywhere, head tied to wte. */
  static ModelSpec gpt2() {
    return spec(Family.GPT2, 4, 4, 64, null, null, null, true);
  }

  /** GQA: 4 query heads share 2 KV heads; untied head. */
  static ModelSpec llama() {
    return spec(Family.LLAMA, 4, 2, 64, false, null, null, false);
  }

  static ModelSpec qwen2() {
    return spec(Family.LLAMA, 4, 2, 64, true, null, null, false);
  }

  /** Mixtral-style: 4 experts top-2, no shared, switch loss. */
  static ModelSpec mixtral() {
    return spec(
        Family.LLAMA,
        4,
        2,
        48,
        false,
        MoeSpec.routed(4, 2).withBalancing(Balancing.AUX_LOSS, 0.01),
        null,
        false);
  }

  /** Seed 004 in miniature: 4 experts top-2 + 1 shared of width 16, aux-free bias, YaRN. */
  static ModelSpec annealMoe() {
    return spec(
        Family.LLAMA,
        4,
        2,
        48,
        false,
        MoeSpec.routed(4, 2).withShared(1, 16),
        new RopeScaling("yarn", 4.0, 16, 32.0, 1.0, 1.0),
        true);
  }

  static List<ModelSpec> all() {
    return List.of(gpt2(), llama(), qwen2(), mixtral(), annealMoe());
  }

  static ModelSpec spec(
      Family family,
      int heads,
      int kvHeads,
      int intermediate,
      Boolean qkvBias,
      MoeSpec moe,
      RopeScaling rope,
      boolean tie) {
    return ModelSpec.builder(family)
        .size(LAYERS, HIDDEN, heads, VOCAB, CONTEXT)
        .kvHeads(kvHeads)
        .intermediate(intermediate)
        .qkvBias(qkvBias)
        .tieEmbeddings(tie)
        .ropeScaling(rope)
        .moe(moe)
        .build();
  }

  static LoraSpec lora(List<String> targets, List<String> exclude) {
    return new LoraSpec(4, 8.0, 0.0, targets, exclude, true);
  }

  static NDArray ids(NDManager m, long seed, int b, int t) {
    Random r = new Random(seed);
    long[] ids = new long[b * t];
    for (int i = 0; i < ids.length; i++) ids[i] = r.nextInt(VOCAB);
    return m.create(ids, new Shape(b, t));
  }

  static float[] randomFloats(long seed, int n, double std) {
    Random r = new Random(seed);
    float[] f = new float[n];
    for (int i = 0; i < n; i++) f[i] = (float) (r.nextGaussian() * std);
    return f;
  }

  /** Largest |a − b| over two equally long arrays. */
  static double maxDiff(float[] a, float[] b) {
    if (a.length != b.length) throw new AssertionError(a.length + " vs " + b.length + " values");
    double max = 0;
    for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
    return max;
  }

  /**
   * One forward and backward in a sub-manager of m: returns the logits and puts every trainable
   * parameter's gradient into {@code grads}, then zeroes it. Logits and gradients must be float32
   * whatever precision the products ran in.
   */
  static float[] logitsAndGradients(
      NDManager m,
      CausalLm lm,
      NDArray ids,
      NDArray docIds,
      NDArray targets,
      Map<String, float[]> grads) {
    try (NDManager step = m.newSubManager()) {
      NDArray stepIds = ids.duplicate();
      stepIds.attach(step);
      float[] logits;
      try (var gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        ForwardResult r = lm.forward(stepIds, docIds, false);
        assertThat(r.logits().getDataType()).isEqualTo(DataType.FLOAT32);
        NDArray loss = LmLoss.crossEntropy(r.logits(), targets, null);
        if (r.auxLoss() != null) loss = loss.add(r.auxLoss());
        logits = r.logits().toFloatArray();
        gc.backward(loss);
      }
      for (var e : lm.trainableParameters().entrySet()) {
        NDArray g = e.getValue().getGradient();
        assertThat(g.getDataType()).as("gradient of %s", e.getKey()).isEqualTo(DataType.FLOAT32);
        grads.put(e.getKey(), g.toFloatArray());
        g.set(new NDIndex("..."), 0f);
      }
      return logits;
    }
  }
}
