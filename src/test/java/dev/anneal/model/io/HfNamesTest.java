package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.PresetEntry;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.preset.estimate.ParameterCount;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/** The naming contract, written out by hand for a tiny model of each type. */
class HfNamesTest {
  static ModelSpec spec(String yamlModel) {
    return PresetLoader.parse("name: t\nmodel: " + yamlModel + "\n", "test").model();
  }

  static final ModelSpec GPT2 =
      spec("{family: gpt2, layers: 2, hidden: 8, heads: 2, vocab: 11, context: 6}");
  static final ModelSpec GPT2_NO_QKV_BIAS =
      spec(
          "{family: gpt2, layers: 1, hidden: 8, heads: 2, "
              + "vocab: 11, context: 6, qkv_bias: false, out_bias: false, tie_embeddings: false}");
  static final ModelSpec LLAMA =
      spec(
          "{family: llama, layers: 2, hidden: 8, heads: 4, kv_heads: 2, "
              + "intermediate: 12, vocab: 11, context: 16, tie_embeddings: false}");
  static final ModelSpec QWEN2 =
      spec(
          "{family: llama, layers: 1, hidden: 8, heads: 2, kv_heads: 1, "
              + "head_dim: 6, intermediate: 12, vocab: 11, context: 16, qkv_bias: true, tie_embeddings: true}");
  static final ModelSpec MIXTRAL =
      spec(
          "{family: llama, layers: 1, hidden: 8, heads: 2, kv_heads: 1, "
              + "intermediate: 12, vocab: 11, context: 16, tie_embeddings: false, "
              + "moe: {experts: 2, experts_per_token: 1, shared_experts: 0, balancing: aux_loss}}");
  static final ModelSpec ANNEAL_MOE =
      spec(
          "{family: llama, layers: 1, hidden: 8, heads: 2, kv_heads: 1, "
              + "intermediate: 12, vocab: 11, context: 16, tie_embeddings: true, "
              + "moe: {experts: 3, experts_per_token: 2, shared_experts: 2, expert_intermediate: 5}}");

  static List<String> render(SequencedMap<String, long[]> names) {
    return names.entrySet().stream()
        .map(e -> e.getKey() + " " + Arrays.toString(e.getValue()))
        .toList();
  }

  static List<String> lines(String text) {
    return text.strip().lines().map(String::strip).toList();
  }

  @Test
  void gpt2() {
    assertThat(GPT2.hfModelType()).isEqualTo("gpt2");
    StringBuilder want =
        new StringBuilder(
            """
        transformer.wte.weight [11, 8]
        transformer.wpe.weight [6, 8]
        """);
    for (int l = 0; l < 2; l++) {
      want.append(
          """
          transformer.h.L.ln_1.weight [8]
          transformer.h.L.ln_1.bias [8]
          transformer.h.L.attn.c_attn.weight [8, 24]
          transformer.h.L.attn.c_attn.bias [24]
          transformer.h.L.attn.c_proj.weight [8, 8]
          transformer.h.L.attn.c_proj.bias [8]
          transformer.h.L.ln_2.weight [8]
          transformer.h.L.ln_2.bias [8]
          transformer.h.L.mlp.c_fc.weight [8, 32]
          transformer.h.L.mlp.c_fc.bias [32]
          transformer.h.L.mlp.c_proj.weight [32, 8]
          transformer.h.L.mlp.c_proj.bias [8]
          """
              .replace(".L.", "." + l + "."));
    }
    want.append("transformer.ln_f.weight [8]\ntransformer.ln_f.bias [8]\n");
    assertThat(render(HfNames.expected(GPT2))).containsExactlyElementsOf(lines(want.toString()));
    assertThat(render(HfNames.exported(GPT2))).isEqualTo(render(HfNames.expected(GPT2)));
  }

  @Test
  void gpt2WithoutAttentionBiasesExportsZeroBiasesHuggingFaceAlwaysHas() {
    List<String> model = render(HfNames.expected(GPT2_NO_QKV_BIAS));
    assertThat(model)
        .containsExactlyElementsOf(
            lines(
                """
        transformer.wte.weight [11, 8]
        transformer.wpe.weight [6, 8]
        transformer.h.0.ln_1.weight [8]
        transformer.h.0.ln_1.bias [8]
        transformer.h.0.attn.c_attn.weight [8, 24]
        transformer.h.0.attn.c_proj.weight [8, 8]
        transformer.h.0.ln_2.weight [8]
        transformer.h.0.ln_2.bias [8]
        transformer.h.0.mlp.c_fc.weight [8, 32]
        transformer.h.0.mlp.c_fc.bias [32]
        transformer.h.0.mlp.c_proj.weight [32, 8]
        transformer.h.0.mlp.c_proj.bias [8]
        transformer.ln_f.weight [8]
        transformer.ln_f.bias [8]
        lm_head.weight [11, 8]
        """));
    assertThat(render(HfNames.exported(GPT2_NO_QKV_BIAS)))
        .containsAll(model)
        .contains("transformer.h.0.attn.c_attn.bias [24]", "transformer.h.0.attn.c_proj.bias [8]")
        .hasSize(model.size() + 2);
  }

  @Test
  void llama() {
    assertThat(LLAMA.hfModelType()).isEqualTo("llama");
    StringBuilder want = new StringBuilder("model.embed_tokens.weight [11, 8]\n");
    for (int l = 0; l < 2; l++) {
      want.append(
          """
          model.layers.L.input_layernorm.weight [8]
          model.layers.L.self_attn.q_proj.weight [8, 8]
          model.layers.L.self_attn.k_proj.weight [4, 8]
          model.layers.L.self_attn.v_proj.weight [4, 8]
          model.layers.L.self_attn.o_proj.weight [8, 8]
          model.layers.L.post_attention_layernorm.weight [8]
          model.layers.L.mlp.gate_proj.weight [12, 8]
          model.layers.L.mlp.up_proj.weight [12, 8]
          model.layers.L.mlp.down_proj.weight [8, 12]
          """
              .replace(".L.", "." + l + "."));
    }
    want.append("model.norm.weight [8]\nlm_head.weight [11, 8]\n");
    assertThat(render(HfNames.expected(LLAMA))).containsExactlyElementsOf(lines(want.toString()));
  }

  @Test
  void qwen2WithHeadDimAndTiedHead() {
    assertThat(QWEN2.hfModelType()).isEqualTo("qwen2");
    assertThat(render(HfNames.expected(QWEN2)))
        .containsExactlyElementsOf(
            lines(
                """
        model.embed_tokens.weight [11, 8]
        model.layers.0.input_layernorm.weight [8]
        model.layers.0.self_attn.q_proj.weight [12, 8]
        model.layers.0.self_attn.q_proj.bias [12]
        model.layers.0.self_attn.k_proj.weight [6, 8]
        model.layers.0.self_attn.k_proj.bias [6]
        model.layers.0.self_attn.v_proj.weight [6, 8]
        model.layers.0.self_attn.v_proj.bias [6]
        model.layers.0.self_attn.o_proj.weight [8, 12]
        model.layers.0.post_attention_layernorm.weight [8]
        model.layers.0.mlp.gate_proj.weight [12, 8]
        model.layers.0.mlp.up_proj.weight [12, 8]
        model.layers.0.mlp.down_proj.weight [8, 12]
        model.norm.weight [8]
        """));
  }

  @Test
  void mixtral() {
    assertThat(MIXTRAL.hfModelType()).isEqualTo("mixtral");
    assertThat(render(HfNames.expected(MIXTRAL)))
        .containsExactlyElementsOf(
            lines(
                """
        model.embed_tokens.weight [11, 8]
        model.layers.0.input_layernorm.weight [8]
        model.layers.0.self_attn.q_proj.weight [8, 8]
        model.layers.0.self_attn.k_proj.weight [4, 8]
        model.layers.0.self_attn.v_proj.weight [4, 8]
        model.layers.0.self_attn.o_proj.weight [8, 8]
        model.layers.0.post_attention_layernorm.weight [8]
        model.layers.0.block_sparse_moe.gate.weight [2, 8]
        model.layers.0.block_sparse_moe.experts.0.w1.weight [12, 8]
        model.layers.0.block_sparse_moe.experts.0.w3.weight [12, 8]
        model.layers.0.block_sparse_moe.experts.0.w2.weight [8, 12]
        model.layers.0.block_sparse_moe.experts.1.w1.weight [12, 8]
        model.layers.0.block_sparse_moe.experts.1.w3.weight [12, 8]
        model.layers.0.block_sparse_moe.experts.1.w2.weight [8, 12]
        model.norm.weight [8]
        lm_head.weight [11, 8]
        """));
  }

  @Test
  void annealMoeAddsSharedExpertsAsOneWideSwigluAndTheCorrectionBias() {
    assertThat(ANNEAL_MOE.hfModelType()).isEqualTo("anneal_moe");
    List<String> got = render(HfNames.expected(ANNEAL_MOE));
    assertThat(got)
        .containsExactlyElementsOf(
            lines(
                """
        model.embed_tokens.weight [11, 8]
        model.layers.0.input_layernorm.weight [8]
        model.layers.0.self_attn.q_proj.weight [8, 8]
        model.layers.0.self_attn.k_proj.weight [4, 8]
        model.layers.0.self_attn.v_proj.weight [4, 8]
        model.layers.0.self_attn.o_proj.weight [8, 8]
        model.layers.0.post_attention_layernorm.weight [8]
        model.layers.0.block_sparse_moe.gate.weight [3, 8]
        model.layers.0.block_sparse_moe.experts.0.w1.weight [5, 8]
        model.layers.0.block_sparse_moe.experts.0.w3.weight [5, 8]
        model.layers.0.block_sparse_moe.experts.0.w2.weight [8, 5]
        model.layers.0.block_sparse_moe.experts.1.w1.weight [5, 8]
        model.layers.0.block_sparse_moe.experts.1.w3.weight [5, 8]
        model.layers.0.block_sparse_moe.experts.1.w2.weight [8, 5]
        model.layers.0.block_sparse_moe.experts.2.w1.weight [5, 8]
        model.layers.0.block_sparse_moe.experts.2.w3.weight [5, 8]
        model.layers.0.block_sparse_moe.experts.2.w2.weight [8, 5]
        model.layers.0.block_sparse_moe.shared_experts.gate_proj.weight [10, 8]
        model.layers.0.block_sparse_moe.shared_experts.up_proj.weight [10, 8]
        model.layers.0.block_sparse_moe.shared_experts.down_proj.weight [8, 10]
        model.layers.0.block_sparse_moe.gate.e_score_correction_bias [3]
        model.norm.weight [8]
        """));
    assertThat(HfNames.isBuffer("model.layers.0.block_sparse_moe.gate.e_score_correction_bias"))
        .isTrue();
    assertThat(HfNames.isBuffer("model.layers.0.block_sparse_moe.gate.weight")).isFalse();
  }

  /** The names' element counts equal the estimator's exact count for every built-in preset. */
  @Test
  void everyPresetsNamesAddUpToTheEstimatorsParameterCount() {
    PresetRegistry registry = new PresetRegistry(List.of());
    for (PresetEntry entry : registry.list()) {
      ModelSpec m = registry.resolve(entry.name()).model();
      long params = 0;
      for (Map.Entry<String, long[]> e : HfNames.expected(m).entrySet()) {
        if (!HfNames.isBuffer(e.getKey()))
          params += Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
      }
      assertThat(params).as(entry.name()).isEqualTo(ParameterCount.of(m, null).total());
      long lora = 0;
      LoraSpec l = registry.resolve(entry.name()).lora();
      if (l == null) continue;
      for (long[] shape : HfNames.lora(m, l).values()) lora += shape[0] * shape[1];
      assertThat(lora).as(entry.name() + " lora").isEqualTo(ParameterCount.of(m, l).lora());
    }
  }

  @Test
  void loraNamesFollowPeft() {
    LoraSpec attn = new LoraSpec(4, 8.0, 0.0, List.of("q_proj", "v_proj"), null, null);
    assertThat(render(HfNames.lora(MIXTRAL, attn)))
        .containsExactly(
            "model.layers.0.self_attn.q_proj.lora_A.weight [4, 8]",
            "model.layers.0.self_attn.q_proj.lora_B.weight [8, 4]",
            "model.layers.0.self_attn.v_proj.lora_A.weight [4, 8]",
            "model.layers.0.self_attn.v_proj.lora_B.weight [4, 4]");
    LoraSpec experts = new LoraSpec(2, null, null, List.of("w2", "gate", "up_proj"), null, null);
    assertThat(render(HfNames.lora(ANNEAL_MOE, experts)))
        .containsExactly(
            "model.layers.0.block_sparse_moe.experts.0.w2.lora_A.weight [2, 5]",
            "model.layers.0.block_sparse_moe.experts.0.w2.lora_B.weight [8, 2]",
            "model.layers.0.block_sparse_moe.experts.1.w2.lora_A.weight [2, 5]",
            "model.layers.0.block_sparse_moe.experts.1.w2.lora_B.weight [8, 2]",
            "model.layers.0.block_sparse_moe.experts.2.w2.lora_A.weight [2, 5]",
            "model.layers.0.block_sparse_moe.experts.2.w2.lora_B.weight [8, 2]",
            "model.layers.0.block_sparse_moe.gate.lora_A.weight [2, 8]",
            "model.layers.0.block_sparse_moe.gate.lora_B.weight [3, 2]",
            "model.layers.0.block_sparse_moe.shared_experts.up_proj.lora_A.weight [2, 8]",
            "model.layers.0.block_sparse_moe.shared_experts.up_proj.lora_B.weight [10, 2]");
    LoraSpec conv = new LoraSpec(2, null, null, List.of("c_attn", "c_proj"), null, null);
    assertThat(render(HfNames.lora(GPT2_NO_QKV_BIAS, conv)))
        .containsExactly(
            "transformer.h.0.attn.c_attn.lora_A.weight [2, 8]",
            "transformer.h.0.attn.c_attn.lora_B.weight [24, 2]",
            "transformer.h.0.attn.c_proj.lora_A.weight [2, 8]",
            "transformer.h.0.attn.c_proj.lora_B.weight [8, 2]",
            "transformer.h.0.mlp.c_proj.lora_A.weight [2, 32]",
            "transformer.h.0.mlp.c_proj.lora_B.weight [8, 2]");
  }
}
