package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Autograd gradients of the training loss (cross-entropy + auxiliary loss) equal central finite
 * differences, per block, in float64 so the difference quotient is accurate to ~1e-9.
 */
class GradientCheckTest extends ModelTestBase {
  private static final double H = 1e-6;
  private static final long[] IDS =
      TinyModels.ids(NDManager.newBaseManager(), 9, 2, 9).toLongArray();
  private static final long[] DOCS = {0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  @Test
  void gpt2AttentionMlpNormsAndEmbeddings() {
    check(
        TinyModels.gpt2(),
        null,
        List.of(
            "transformer.h.0.attn.c_attn.weight",
            "transformer.h.0.attn.c_attn.bias",
            "transformer.h.1.attn.c_proj.weight",
            "transformer.h.0.mlp.c_fc.weight",
            "transformer.h.1.mlp.c_proj.bias",
            "transformer.h.0.ln_1.weight",
            "transformer.h.1.ln_2.bias",
            "transformer.ln_f.weight",
            "transformer.wte.weight",
            "transformer.wpe.weight"));
  }

  @Test
  void llamaRopeAttentionWithGqaAndBiasSwigluAndRmsNorm() {
    check(
        TinyModels.qwen2(),
        null,
        List.of(
            "model.layers.0.self_attn.q_proj.weight",
            "model.layers.0.self_attn.q_proj.bias",
            "model.layers.1.self_attn.k_proj.weight",
            "model.layers.0.self_attn.v_proj.weight",
            "model.layers.1.self_attn.o_proj.weight",
            "model.layers.0.mlp.gate_proj.weight",
            "model.layers.0.mlp.up_proj.weight",
            "model.layers.1.mlp.down_proj.weight",
            "model.layers.0.input_layernorm.weight",
            "model.layers.1.post_attention_layernorm.weight",
            "model.norm.weight",
            "model.embed_tokens.weight",
            "lm_head.weight"));
  }

  @Test
  void moeRouterExpertsAndSwitchLoss() {
    String p = "model.layers.0.block_sparse_moe.";
    check(
        TinyModels.mixtral(),
        null,
        List.of(
            p + "gate.weight",
            p + "experts.0.w1.weight",
            p + "experts.1.w3.weight",
            p + "experts.2.w2.weight",
            p + "experts.3.w1.weight",
            "model.layers.1.block_sparse_moe.gate.weight"));
  }

  @Test
  void moeWithSharedExpertsBalancingBiasAndYarn() {
    String p = "model.layers.1.block_sparse_moe.";
    check(
        TinyModels.annealMoe(),
        null,
        List.of(
            p + "gate.weight",
            p + "experts.1.w2.weight",
            p + "shared_experts.gate_proj.weight",
            p + "shared_experts.down_proj.weight",
            "model.layers.0.self_attn.q_proj.weight",
            "model.embed_tokens.weight"));
  }

  @Test
  void loraMatricesOnAttentionMlpConv1dAndExperts() {
    LoraSpec lora = TinyModels.lora(List.of("q_proj", "v_proj", "down_proj"), List.of());
    check(
        TinyModels.llama(),
        lora,
        List.of(
            "model.layers.0.self_attn.q_proj.lora_A.weight",
                "model.layers.0.self_attn.q_proj.lora_B.weight",
            "model.layers.1.self_attn.v_proj.lora_B.weight",
                "model.layers.1.mlp.down_proj.lora_A.weight"));
    check(
        TinyModels.gpt2(),
        TinyModels.lora(List.of("c_attn", "c_proj"), List.of()),
        List.of(
            "transformer.h.0.attn.c_attn.lora_A.weight",
                "transformer.h.0.attn.c_attn.lora_B.weight",
            "transformer.h.1.mlp.c_proj.lora_A.weight",
                "transformer.h.1.attn.c_proj.lora_B.weight"));
    check(
        TinyModels.mixtral(),
        TinyModels.lora(List.of("w1", "w2", "gate"), List.of()),
        List.of(
            "model.layers.0.block_sparse_moe.experts.2.w1.lora_A.weight",
            "model.layers.0.block_sparse_moe.experts.1.w2.lora_B.weight",
            "model.layers.1.block_sparse_moe.gate.lora_B.weight"));
  }

  private void check(ModelSpec spec, LoraSpec lora, List<String> names) {
    try (CausalLm lm = CausalLm.create(spec, lora, m, 21, DataType.FLOAT64)) {
      if (lora != null) LoraTestSupport.randomiseB(lm, 4);
      var tensors = lora != null ? lm.loraParameters() : lm.baseParameters();
      try (NDManager step = m.newSubManager();
          GradientCollector gc = Engine.getInstance().newGradientCollector()) {
        gc.backward(loss(lm, step));
      }
      Random pick = new Random(names.hashCode());
      for (String name : names) {
        NDArray p = tensors.get(name);
        assertThat(p).as(name).isNotNull();
        double[] grad = p.getGradient().toDoubleArray();
        double[] values = p.toDoubleArray();
        for (int trial = 0; trial < 4; trial++) {
          int i = pick.nextInt(values.length);
          double numeric = difference(lm, p, values, i);
          assertThat(grad[i])
              .as("%s %s[%d]", spec.hfModelType(), name, i)
              .isCloseTo(
                  numeric, org.assertj.core.data.Offset.offset(1e-7 + 1e-5 * Math.abs(numeric)));
        }
      }
    }
  }

  private double difference(CausalLm lm, NDArray p, double[] values, int i) {
    double original = values[i];
    values[i] = original + H;
    p.set(values);
    double up = lossValue(lm);
    values[i] = original - H;
    p.set(values);
    double down = lossValue(lm);
    values[i] = original;
    p.set(values);
    return (up - down) / (2 * H);
  }

  private double lossValue(CausalLm lm) {
    try (NDManager step = m.newSubManager()) {
      return loss(lm, step).toType(DataType.FLOAT64, false).getDouble();
    }
  }

  /** Cross-entropy of the next token over two packed rows with two documents, plus the aux loss. */
  private static NDArray loss(CausalLm lm, NDManager step) {
    NDArray ids = step.create(IDS, new Shape(2, 9));
    NDArray docs = step.create(DOCS, new Shape(2, 9));
    ForwardResult r = lm.forward(ids, docs, true);
    NDArray targets = step.create(shifted(IDS), new Shape(2, 9));
    NDArray loss = LmLoss.crossEntropy(r.logits(), targets, null);
    return r.auxLoss() == null ? loss : loss.add(r.auxLoss());
  }

  private static long[] shifted(long[] ids) {
    long[] t = new long[ids.length];
    for (int i = 0; i < ids.length; i++) t[i] = ids[(i + 1) % ids.length];
    return t;
  }
}
