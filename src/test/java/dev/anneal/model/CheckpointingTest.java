package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Activation checkpointing changes memory, not the gradients: in float64 the checkpointed backward
 * leaves the same gradients as the plain one (within 1e-5; the difference is rounding), summed over
 * two micro batches as accumulation does, the MoE switch loss included, with the routing reported
 * once. With dropout the recompute must draw the forward's masks: its gradients equal central
 * finite differences of its own loss under a fixed seed.
 */
class CheckpointingTest extends ModelTestBase {
  private static final double WEIGHT = 0.75; // a micro batch's share of the step

  @Test
  void gpt2GradientsEqualThePlainBackward() {
    assertSameGradients(TinyModels.gpt2(), null);
  }

  @Test
  void llamaWithGqaAndQwenBiasGradientsEqualThePlainBackward() {
    assertSameGradients(TinyModels.llama(), null);
    assertSameGradients(TinyModels.qwen2(), null);
  }

  @Test
  void moeWithSwitchLossAndWithAuxFreeBalancingGradientsEqualThePlainBackward() {
    assertSameGradients(TinyModels.mixtral(), null);
    assertSameGradients(TinyModels.annealMoe(), null);
  }

  @Test
  void loraAdapterGradientsEqualThePlainBackward() {
    assertSameGradients(
        TinyModels.llama(), TinyModels.lora(List.of("q_proj", "v_proj", "down_proj"), List.of()));
    assertSameGradients(TinyModels.gpt2(), TinyModels.lora(List.of("c_attn", "c_proj"), List.of()));
  }

  @Test
  void withDropoutTheRecomputeDrawsTheForwardsMasks() {
    checkAgainstFiniteDifferences(
        withDropout(TinyModels.gpt2(), 0.2),
        null,
        List.of(
            "transformer.h.0.attn.c_attn.weight",
            "transformer.h.1.mlp.c_fc.weight",
            "transformer.wte.weight"));
    LoraSpec lora = new LoraSpec(4, 8.0, 0.3, List.of("q_proj", "down_proj"), List.of(), true);
    checkAgainstFiniteDifferences(
        TinyModels.llama(),
        lora,
        List.of(
            "model.layers.0.self_attn.q_proj.lora_A.weight",
            "model.layers.1.mlp.down_proj.lora_B.weight"));
  }

  private void assertSameGradients(ModelSpec spec, LoraSpec lora) {
    try (CausalLm lm = CausalLm.create(spec, lora, m, 21, DataType.FLOAT64)) {
      if (lora != null) LoraTestSupport.randomiseB(lm, 4);
      Map<String, NDArray> params = lm.trainableParameters();
      List<LayerRouting> plainRouting = List.of();
      for (long batch = 1; batch <= 2; batch++) plainRouting = plain(lm, batch);
      Map<String, double[]> expected = takeGradients(params);
      List<LayerRouting> routing = List.of();
      for (long batch = 1; batch <= 2; batch++) routing = checkpointed(lm, batch, null);
      Map<String, double[]> actual = takeGradients(params);

      assertThat(actual.keySet()).isEqualTo(expected.keySet());
      double largest = 0;
      for (String name : expected.keySet()) {
        double[] e = expected.get(name), a = actual.get(name);
        for (int i = 0; i < e.length; i++) {
          assertThat(a[i])
              .as("%s %s[%d]", spec.hfModelType(), name, i)
              .isCloseTo(e[i], offset(1e-5));
          largest = Math.max(largest, Math.abs(e[i]));
        }
      }
      assertThat(largest).as("the gradients are not all zero").isGreaterThan(1e-3);
      assertThat(routing).as("one report per MoE layer").hasSize(plainRouting.size());
      for (int l = 0; l < routing.size(); l++) {
        assertThat(routing.get(l).load()).containsExactly(plainRouting.get(l).load());
      }
    }
  }

  /** The plain backward of WEIGHT · (cross-entropy + switch loss) on micro batch {@code batch}. */
  private List<LayerRouting> plain(CausalLm lm, long batch) {
    try (NDManager step = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray ids = TinyModels.ids(step, batch, 2, 9);
      ForwardResult r = lm.forward(ids, docs(step), true);
      NDArray loss = LmLoss.crossEntropy(r.logits(), targets(ids), null);
      if (r.auxLoss() != null) loss = loss.add(r.auxLoss());
      gc.backward(loss.mul(step.create(WEIGHT)));
      return r.routing();
    }
  }

  /** The checkpointed backward of the same; the unweighted cross-entropy goes into {@code loss}. */
  private List<LayerRouting> checkpointed(CausalLm lm, long batch, double[] loss) {
    try (NDManager step = m.newSubManager();
        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
      NDArray ids = TinyModels.ids(step, batch, 2, 9);
      NDArray weight = step.create(WEIGHT);
      return lm.backwardCheckpointed(
          ids,
          docs(step),
          targets(ids),
          null,
          gc,
          ce -> {
            if (loss != null) loss[0] = ce.getDouble();
            return ce.mul(weight);
          },
          weight);
    }
  }

  private void checkAgainstFiniteDifferences(ModelSpec spec, LoraSpec lora, List<String> names) {
    double h = 1e-6;
    try (CausalLm lm = CausalLm.create(spec, lora, m, 21, DataType.FLOAT64)) {
      if (lora != null) LoraTestSupport.randomiseB(lm, 4);
      Map<String, NDArray> params = lm.trainableParameters();
      seededCheckpointed(lm);
      Map<String, double[]> grads = takeGradients(params);
      Random pick = new Random(names.hashCode());
      for (String name : names) {
        NDArray p = params.get(name);
        double[] values = p.toDoubleArray();
        for (int trial = 0; trial < 3; trial++) {
          int i = pick.nextInt(values.length);
          double original = values[i];
          values[i] = original + h;
          p.set(values);
          double up = seededCheckpointed(lm);
          values[i] = original - h;
          p.set(values);
          double down = seededCheckpointed(lm);
          values[i] = original;
          p.set(values);
          double numeric = WEIGHT * (up - down) / (2 * h);
          assertThat(grads.get(name)[i])
              .as("%s[%d]", name, i)
              .isCloseTo(numeric, offset(1e-7 + 1e-5 * Math.abs(numeric)));
        }
      }
    }
  }

  /** The checkpointed loss under seed 5 (the masks fixed), its gradients left on the parameters. */
  private double seededCheckpointed(CausalLm lm) {
    Engine.getInstance().setRandomSeed(5);
    double[] loss = new double[1];
    checkpointed(lm, 1, loss);
    return loss[0];
  }

  /** Copies every parameter's gradient and zeroes it. */
  private static Map<String, double[]> takeGradients(Map<String, NDArray> params) {
    Map<String, double[]> out = new LinkedHashMap<>();
    params.forEach((name, p) -> out.put(name, p.getGradient().toDoubleArray()));
    zero(params);
    return out;
  }

  private static void zero(Map<String, NDArray> params) {
    for (NDArray p : params.values()) {
      try (NDArray g = p.getGradient()) {
        g.set(new NDIndex("..."), 0);
      }
    }
  }

  private static NDArray docs(NDManager step) {
    return step.create(
        new long[] {0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0}, new Shape(2, 9));
  }

  private static NDArray targets(NDArray ids) {
    return ids.getManager().create(shifted(ids.toLongArray()), ids.getShape());
  }

  private static long[] shifted(long[] ids) {
    long[] t = new long[ids.length];
    for (int i = 0; i < ids.length; i++) t[i] = ids[(i + 1) % ids.length];
    return t;
  }

  private static ModelSpec withDropout(ModelSpec s, double dropout) {
    return s.toBuilder().dropout(dropout).build();
  }
}
