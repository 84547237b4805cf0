package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Adapters: a fresh one is the base, merged equals unmerged, off is the base, only they train. */
class LoraTest extends ModelTestBase {
  private static final LoraSpec ALL_LLAMA =
      TinyModels.lora(
          List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"),
          List.of());
  private static final LoraSpec ALL_GPT2 =
      TinyModels.lora(List.of("c_attn", "c_proj", "c_fc"), List.of());
  private static final LoraSpec EXPERTS_AND_ROUTER =
      TinyModels.lora(
          List.of("q_proj", "w1", "w2", "w3", "gate", "gate_proj", "down_proj"), List.of());

  @Test
  void aFreshAdapterHasBZeroAndGivesExactlyTheBase() {
    check(TinyModels.gpt2(), ALL_GPT2, (base, tuned) -> assertThat(tuned).containsExactly(base));
    check(TinyModels.qwen2(), ALL_LLAMA, (base, tuned) -> assertThat(tuned).containsExactly(base));
    check(
        TinyModels.annealMoe(),
        EXPERTS_AND_ROUTER,
        (base, tuned) -> assertThat(tuned).containsExactly(base));
  }

  private interface Comparison {
    void compare(float[] base, float[] tuned);
  }

  private void check(ModelSpec spec, LoraSpec lora, Comparison c) {
    try (CausalLm base = CausalLm.create(spec, null, m, 5);
        CausalLm tuned = CausalLm.create(spec, lora, m, 5)) {
      NDArray ids = TinyModels.ids(m, 1, 2, 10);
      c.compare(
          base.forward(ids, null, false).logits().toFloatArray(),
          tuned.forward(ids, null, false).logits().toFloatArray());
    }
  }

  @Test
  void mergedEqualsUnmergedAndOffIsTheBaseForEveryFamily() {
    record Case(ModelSpec spec, LoraSpec lora) {}
    for (Case c :
        List.of(
            new Case(TinyModels.gpt2(), ALL_GPT2),
            new Case(TinyModels.llama(), ALL_LLAMA),
            new Case(TinyModels.mixtral(), EXPERTS_AND_ROUTER),
            new Case(TinyModels.annealMoe(), EXPERTS_AND_ROUTER))) {
      try (CausalLm base = CausalLm.create(c.spec, null, m, 5);
          CausalLm lm = CausalLm.create(c.spec, c.lora, m, 5)) {
        LoraTestSupport.randomiseB(lm, 3);
        NDArray ids = TinyModels.ids(m, 2, 2, 10);
        float[] baseLogits = base.forward(ids, null, false).logits().toFloatArray();
        float[] unmerged = lm.forward(ids, null, false).logits().toFloatArray();
        String name = c.spec.hfModelType();
        assertThat(TinyModels.maxDiff(unmerged, baseLogits))
            .as(name + " adapter changes the output")
            .isGreaterThan(1e-3);

        lm.adapters().setEnabled(false);
        assertThat(lm.forward(ids, null, false).logits().toFloatArray())
            .as(name)
            .containsExactly(baseLogits);
        lm.adapters().setEnabled(true);

        lm.adapters().merge();
        float[] merged = lm.forward(ids, null, false).logits().toFloatArray();
        assertThat(TinyModels.maxDiff(merged, unmerged)).as(name + " merged").isLessThan(1e-5);
        lm.adapters().unmerge();
        assertThat(
                TinyModels.maxDiff(lm.forward(ids, null, false).logits().toFloatArray(), unmerged))
            .as(name + " unmerged again")
            .isLessThan(1e-5);

        lm.adapters().merge();
        lm.adapters().setEnabled(false); // switching a merged adapter off unmerges it first
        assertThat(
                TinyModels.maxDiff(
                    lm.forward(ids, null, false).logits().toFloatArray(), baseLogits))
            .isLessThan(1e-5);
      }
    }
  }

  @Test
  void onlyAdapterMatricesRequireGradientsAndReceiveThem() {
    // Seed 001: attention only; experts and router excluded.
    LoraSpec seed001 =
        TinyModels.lora(
            List.of("q_proj", "k_proj", "v_proj", "o_proj"),
            List.of("block_sparse_moe", "w1", "w2", "w3", "gate"));
    try (CausalLm lm = CausalLm.create(TinyModels.mixtral(), seed001, m, 5)) {
      assertThat(lm.trainableParameters().keySet()).isEqualTo(lm.loraParameters().keySet());
      assertThat(lm.loraParameters().keySet())
          .hasSize(2 * 4 * 2)
          .allMatch(n -> n.contains(".self_attn.") && n.matches(".*\\.lora_[AB]\\.weight"));
      LoraTestSupport.randomiseB(lm, 1);
      try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        NDArray ids = TinyModels.ids(m, 1, 2, 8);
        ForwardResult r = lm.forward(ids, null, true);
        gc.backward(LmLoss.crossEntropy(r.logits(), ids, null).add(r.auxLoss()));
      }
      for (NDArray a : lm.loraParameters().values()) {
        assertThat(a.getGradient().abs().sum().getFloat()).isGreaterThan(0);
      }
      for (NDArray a : lm.baseParameters().values()) assertThat(a.hasGradient()).isFalse();
    }
  }

  @Test
  void withoutLoraEveryBaseWeightTrainsExceptBuffersAndAFrozenRouter() {
    try (CausalLm lm = CausalLm.create(TinyModels.annealMoe(), null, m, 5)) {
      assertThat(lm.trainableParameters()).hasSize(lm.baseParameters().size() - 2);
      assertThat(lm.trainableParameters().keySet())
          .noneMatch(n -> n.endsWith("e_score_correction_bias"));
      lm.setRouterFrozen(true);
      assertThat(lm.trainableParameters().keySet())
          .noneMatch(n -> n.endsWith(".gate.weight"))
          .hasSize(lm.baseParameters().size() - 4);
      assertThat(
              lm.baseParameters().get("model.layers.0.block_sparse_moe.gate.weight").hasGradient())
          .isFalse();
    }
  }
}
