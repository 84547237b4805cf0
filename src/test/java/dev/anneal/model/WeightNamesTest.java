package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import dev.anneal.model.io.HostTensor;
import dev.anneal.preset.ModelSpec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The exported names and shapes are exactly the weight-naming contract, and they round-trip. */
class WeightNamesTest {
  static NDManager root;

  @BeforeAll
  static void engine() {
    AppEnvironment.configure();
    root = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    root.close();
  }

  // Letters of the contract for the tiny specs: C 32, V 50, P 64, H·D 32, Hkv·D 16.
  private static final long C = 32, V = 50, P = 64, Q = 32, KV = 16;

  @Test
  void gpt2NamesAreHuggingFaceConv1dLayouts() {
    Map<String, List<Long>> want = new TreeMap<>();
    want.put("transformer.wte.weight", List.of(V, C));
    want.put("transformer.wpe.weight", List.of(P, C));
    for (int l = 0; l < 2; l++) {
      String h = "transformer.h." + l;
      want.put(h + ".ln_1.weight", List.of(C));
      want.put(h + ".ln_1.bias", List.of(C));
      want.put(h + ".attn.c_attn.weight", List.of(C, 3 * C));
      want.put(h + ".attn.c_attn.bias", List.of(3 * C));
      want.put(h + ".attn.c_proj.weight", List.of(C, C));
      want.put(h + ".attn.c_proj.bias", List.of(C));
      want.put(h + ".ln_2.weight", List.of(C));
      want.put(h + ".ln_2.bias", List.of(C));
      want.put(h + ".mlp.c_fc.weight", List.of(C, 64L));
      want.put(h + ".mlp.c_fc.bias", List.of(64L));
      want.put(h + ".mlp.c_proj.weight", List.of(64L, C));
      want.put(h + ".mlp.c_proj.bias", List.of(C));
    }
    want.put("transformer.ln_f.weight", List.of(C));
    want.put("transformer.ln_f.bias", List.of(C));
    assertThat(exported(TinyModels.gpt2())).isEqualTo(want);
  }

  @Test
  void llamaAndQwen2NamesAreLinearLayoutsWithQkvBiasOnlyForQwen2() {
    Map<String, List<Long>> llama = llamaCommon(false);
    llama.putAll(denseMlp());
    assertThat(exported(TinyModels.llama())).isEqualTo(llama);

    Map<String, List<Long>> qwen2 = llamaCommon(true);
    qwen2.putAll(denseMlp());
    assertThat(exported(TinyModels.qwen2())).isEqualTo(qwen2);
  }

  @Test
  void mixtralReplacesTheMlpByRouterAndExperts() {
    Map<String, List<Long>> want = llamaCommon(false);
    want.putAll(experts(48));
    assertThat(exported(TinyModels.mixtral())).isEqualTo(want);
  }

  @Test
  void annealMoeAddsSharedExpertsAndTheBalancingBiasAndTiesTheHead() {
    Map<String, List<Long>> want = llamaCommon(false);
    want.remove("lm_head.weight");
    want.putAll(experts(16));
    for (int l = 0; l < 2; l++) {
      String p = "model.layers." + l + ".block_sparse_moe.";
      want.put(p + "shared_experts.gate_proj.weight", List.of(16L, C));
      want.put(p + "shared_experts.up_proj.weight", List.of(16L, C));
      want.put(p + "shared_experts.down_proj.weight", List.of(C, 16L));
      want.put(p + "gate.e_score_correction_bias", List.of(4L));
    }
    assertThat(exported(TinyModels.annealMoe())).isEqualTo(want);
  }

  private static Map<String, List<Long>> llamaCommon(boolean qkvBias) {
    Map<String, List<Long>> want = new TreeMap<>();
    want.put("model.embed_tokens.weight", List.of(V, C));
    for (int l = 0; l < 2; l++) {
      String p = "model.layers." + l;
      want.put(p + ".input_layernorm.weight", List.of(C));
      want.put(p + ".self_attn.q_proj.weight", List.of(Q, C));
      want.put(p + ".self_attn.k_proj.weight", List.of(KV, C));
      want.put(p + ".self_attn.v_proj.weight", List.of(KV, C));
      if (qkvBias) {
        want.put(p + ".self_attn.q_proj.bias", List.of(Q));
        want.put(p + ".self_attn.k_proj.bias", List.of(KV));
        want.put(p + ".self_attn.v_proj.bias", List.of(KV));
      }
      want.put(p + ".self_attn.o_proj.weight", List.of(C, Q));
      want.put(p + ".post_attention_layernorm.weight", List.of(C));
    }
    want.put("model.norm.weight", List.of(C));
    want.put("lm_head.weight", List.of(V, C));
    return want;
  }

  private static Map<String, List<Long>> denseMlp() {
    Map<String, List<Long>> want = new TreeMap<>();
    for (int l = 0; l < 2; l++) {
      String p = "model.layers." + l + ".mlp.";
      want.put(p + "gate_proj.weight", List.of(64L, C));
      want.put(p + "up_proj.weight", List.of(64L, C));
      want.put(p + "down_proj.weight", List.of(C, 64L));
    }
    return want;
  }

  private static Map<String, List<Long>> experts(long ie) {
    Map<String, List<Long>> want = new TreeMap<>();
    for (int l = 0; l < 2; l++) {
      String p = "model.layers." + l + ".block_sparse_moe.";
      want.put(p + "gate.weight", List.of(4L, C));
      for (int e = 0; e < 4; e++) {
        want.put(p + "experts." + e + ".w1.weight", List.of(ie, C));
        want.put(p + "experts." + e + ".w3.weight", List.of(ie, C));
        want.put(p + "experts." + e + ".w2.weight", List.of(C, ie));
      }
    }
    return want;
  }

  private static Map<String, List<Long>> exported(ModelSpec spec) {
    try (CausalLm lm = CausalLm.create(spec, null, root, 1)) {
      Map<String, List<Long>> out = new TreeMap<>();
      for (HostTensor t : lm.exportWeights()) {
        out.put(t.name(), Arrays.stream(t.shape()).boxed().toList());
      }
      return out;
    }
  }

  @Test
  void exportThenLoadIntoAFreshModelGivesIdenticalLogitsForEveryFamily() {
    for (ModelSpec spec : TinyModels.all()) {
      try (NDManager step = root.newSubManager();
          CausalLm a = CausalLm.create(spec, null, root, 1);
          CausalLm b = CausalLm.create(spec, null, root, 2)) {
        NDArray ids = TinyModels.ids(step, 3, 2, 12);
        float[] before = b.forward(ids, null, false).logits().toFloatArray();
        Map<String, HostTensor> saved = byName(a.exportWeights());
        b.loadWeights(saved::get);
        float[] want = a.forward(ids, null, false).logits().toFloatArray();
        assertThat(b.forward(ids, null, false).logits().toFloatArray())
            .as(spec.hfModelType())
            .containsExactly(want);
        assertThat(before).as("a different seed gives different weights").isNotEqualTo(want);
      }
    }
  }

  @Test
  void aMissingOrMisShapedTensorIsNamedAndChangesNothing() {
    try (CausalLm a = CausalLm.create(TinyModels.llama(), null, root, 1);
        CausalLm b = CausalLm.create(TinyModels.llama(), null, root, 2)) {
      Map<String, HostTensor> saved = new LinkedHashMap<>(byName(a.exportWeights()));
      List<HostTensor> original = b.exportWeights();
      saved.remove("model.layers.1.self_attn.v_proj.weight");
      assertThatThrownBy(() -> b.loadWeights(saved::get))
          .hasMessage("missing tensor model.layers.1.self_attn.v_proj.weight");
      saved.put(
          "model.layers.1.self_attn.v_proj.weight",
          new HostTensor(
              "model.layers.1.self_attn.v_proj.weight", new long[] {32, 16}, new float[512]));
      assertThatThrownBy(() -> b.loadWeights(saved::get))
          .hasMessage(
              "tensor model.layers.1.self_attn.v_proj.weight has shape [32, 16], "
                  + "the model expects [16, 32]");
      assertThat(b.exportWeights()).isEqualTo(original);
    }
  }

  @Test
  void adapterTensorsArePeftModulePathsAndRoundTrip() {
    var lora = TinyModels.lora(List.of("c_attn", "c_proj"), List.of());
    try (CausalLm a = CausalLm.create(TinyModels.gpt2(), lora, root, 1);
        CausalLm b = CausalLm.create(TinyModels.gpt2(), lora, root, 1)) {
      Map<String, List<Long>> names =
          a.adapters().export().stream()
              .collect(
                  Collectors.toMap(
                      HostTensor::name,
                      t -> Arrays.stream(t.shape()).boxed().toList(),
                      (x, y) -> x,
                      TreeMap::new));
      Map<String, List<Long>> want = new TreeMap<>();
      for (int l = 0; l < 2; l++) {
        String h = "transformer.h." + l;
        // PEFT on Conv1D: A [r, in], B [out, r] with in = the Conv1D weight's first dimension.
        want.put(h + ".attn.c_attn.lora_A.weight", List.of(4L, C));
        want.put(h + ".attn.c_attn.lora_B.weight", List.of(3 * C, 4L));
        want.put(h + ".attn.c_proj.lora_A.weight", List.of(4L, C));
        want.put(h + ".attn.c_proj.lora_B.weight", List.of(C, 4L));
        want.put(h + ".mlp.c_proj.lora_A.weight", List.of(4L, 64L));
        want.put(h + ".mlp.c_proj.lora_B.weight", List.of(C, 4L));
      }
      assertThat(names).isEqualTo(want);

      LoraTestSupport.randomiseB(a, 7);
      b.adapters().load(byName(a.adapters().export())::get);
      try (NDManager step = root.newSubManager()) {
        NDArray ids = TinyModels.ids(step, 3, 1, 8);
        assertThat(b.forward(ids, null, false).logits().toFloatArray())
            .containsExactly(a.forward(ids, null, false).logits().toFloatArray());
      }
    }
  }

  static Map<String, HostTensor> byName(List<HostTensor> tensors) {
    return tensors.stream().collect(Collectors.toMap(HostTensor::name, Function.identity()));
  }
}
