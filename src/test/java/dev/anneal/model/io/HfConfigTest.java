package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.Balancing;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.preset.RopeScaling;
import dev.anneal.preset.estimate.ParameterCount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HfConfigTest {
  private static final PresetRegistry REGISTRY = new PresetRegistry(List.of());
  private static final Path FILE = Path.of("some/config.json");
  private static final ObjectMapper JSON = new ObjectMapper();

  static ModelSpec roundTrip(ModelSpec m) throws Exception {
    ObjectNode json = HfConfig.toJson(m, DType.BF16, TokenIds.NONE);
    // Through text, as on disk.
    return HfConfig.fromJson(JSON.readTree(json.toString()), FILE).spec();
  }

  @ParameterizedTest
  @CsvSource({
    "nano, gpt2",
    "demiurgic-7b, llama",
    "kat-dev-72b-lora, qwen2",
    "mixtral-8x7b-attn-lora, mixtral",
    "moe-60m, anneal_moe",
    "nano-moe, anneal_moe",
    "moe-800m, anneal_moe"
  })
  void presetsRoundTripToAnEqualSpec(String preset, String type) throws Exception {
    ModelSpec m = REGISTRY.resolve(preset).model();
    assertThat(HfConfig.modelType(m)).isEqualTo(type);
    assertThat(roundTrip(m)).isEqualTo(m);
  }

  @Test
  void gpt2RoundTripsAndBiasFreePresetsComeBackWithBiases() throws Exception {
    ModelSpec gpt2 = HfNamesTest.GPT2;
    assertThat(roundTrip(gpt2)).isEqualTo(gpt2);
    ModelSpec tiny = REGISTRY.resolve("tiny").model();
    ModelSpec back = roundTrip(tiny);
    assertThat(back.qkvBias()).isTrue();
    assertThat(back.outBias()).isTrue();
    assertThat(back)
        .usingRecursiveComparison()
        .ignoringFields("qkvBias", "outBias")
        .isEqualTo(tiny);
  }

  @Test
  void configsCarryTransformersFieldNames() {
    JsonNode gpt2 =
        HfConfig.toJson(REGISTRY.resolve("tiny").model(), DType.F32, new TokenIds(0, 0, null));
    assertThat(gpt2.get("model_type").asText()).isEqualTo("gpt2");
    assertThat(gpt2.get("architectures").get(0).asText()).isEqualTo("GPT2LMHeadModel");
    assertThat(gpt2.get("n_embd").asInt()).isEqualTo(768);
    assertThat(gpt2.get("n_layer").asInt()).isEqualTo(12);
    assertThat(gpt2.get("n_head").asInt()).isEqualTo(12);
    assertThat(gpt2.get("n_positions").asInt()).isEqualTo(2048);
    assertThat(gpt2.get("n_inner").asInt()).isEqualTo(3072);
    assertThat(gpt2.get("layer_norm_epsilon").asDouble()).isEqualTo(1e-5);
    assertThat(gpt2.get("tie_word_embeddings").asBoolean()).isFalse();
    assertThat(gpt2.get("vocab_size").asInt()).isEqualTo(32768);
    assertThat(gpt2.get("torch_dtype").asText()).isEqualTo("float32");
    assertThat(gpt2.get("bos_token_id").asInt()).isZero();

    JsonNode moe = HfConfig.toJson(REGISTRY.resolve("moe-60m").model(), DType.BF16, TokenIds.NONE);
    assertThat(moe.get("architectures").get(0).asText()).isEqualTo("AnnealMoeForCausalLM");
    for (String f :
        List.of(
            "hidden_size",
            "num_hidden_layers",
            "num_attention_heads",
            "num_key_value_heads",
            "head_dim",
            "intermediate_size",
            "vocab_size",
            "max_position_embeddings",
            "rms_norm_eps",
            "rope_theta",
            "num_local_experts",
            "num_experts_per_tok",
            "router_aux_loss_coef",
            "output_router_logits",
            "n_shared_experts",
            "moe_intermediate_size",
            "topk_method")) {
      assertThat(moe.has(f)).as(f).isTrue();
    }
    assertThat(moe.get("head_dim").asInt()).isEqualTo(64);
    assertThat(moe.get("topk_method").asText()).isEqualTo("noaux_tc");
    JsonNode rope = moe.get("rope_scaling");
    assertThat(rope.get("rope_type").asText()).isEqualTo("yarn");
    assertThat(rope.get("original_max_position_embeddings").asInt()).isEqualTo(2048);
    assertThat(rope.get("beta_fast").asDouble()).isEqualTo(32.0);
    assertThat(rope.get("beta_slow").asDouble()).isEqualTo(1.0);
    assertThat(moe.get("torch_dtype").asText()).isEqualTo("bfloat16");

    JsonNode mixtral =
        HfConfig.toJson(
            REGISTRY.resolve("mixtral-8x7b-attn-lora").model(), DType.BF16, TokenIds.NONE);
    assertThat(mixtral.get("output_router_logits").asBoolean()).isTrue();
    assertThat(mixtral.get("router_aux_loss_coef").asDouble()).isEqualTo(0.001);
    JsonNode qwen =
        HfConfig.toJson(REGISTRY.resolve("kat-dev-72b-lora").model(), DType.BF16, TokenIds.NONE);
    assertThat(qwen.get("architectures").get(0).asText()).isEqualTo("Qwen2ForCausalLM");
    assertThat(qwen.get("use_sliding_window").asBoolean()).isFalse();
  }

  /** Published configs (as on the Hugging Face hub) give the published parameter counts. */
  @Test
  void publishedConfigsReadToTheirKnownSizes() throws Exception {
    HfConfig.Parsed gpt2 =
        HfConfig.fromJson(
            JSON.readTree(
                """
        {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
         "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
         "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768,
         "n_head": 12, "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1,
         "summary_activation": null, "summary_first_dropout": 0.1, "vocab_size": 50257}"""),
            FILE);
    assertThat(ParameterCount.of(gpt2.spec(), null).total()).isEqualTo(124_439_808L);
    assertThat(gpt2.tokens()).isEqualTo(new TokenIds(50256, 50256, null));
    assertThat(gpt2.spec().tieEmbeddings()).isTrue();
    assertThat(gpt2.dtype()).isNull();

    HfConfig.Parsed mixtral =
        HfConfig.fromJson(
            JSON.readTree(
                """
        {"architectures": ["MixtralForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 1,
         "eos_token_id": 2, "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
         "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mixtral",
         "num_attention_heads": 32, "num_experts_per_tok": 2, "num_hidden_layers": 32,
         "num_key_value_heads": 8, "num_local_experts": 8, "output_router_logits": false,
         "rms_norm_eps": 1e-05, "rope_theta": 1e6, "router_aux_loss_coef": 0.02,
         "sliding_window": null, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
         "use_cache": true, "vocab_size": 32000}"""),
            FILE);
    assertThat(ParameterCount.of(mixtral.spec(), null).total()).isEqualTo(46_702_792_704L);
    assertThat(mixtral.dtype()).isEqualTo(DType.BF16);
    assertThat(mixtral.spec().moe().balancing()).isEqualTo(Balancing.NONE);

    HfConfig.Parsed qwen =
        HfConfig.fromJson(
            JSON.readTree(
                """
        {"architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
         "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 8192, "initializer_range": 0.02,
         "intermediate_size": 29568, "max_position_embeddings": 131072, "max_window_layers": 80,
         "model_type": "qwen2", "num_attention_heads": 64, "num_hidden_layers": 80,
         "num_key_value_heads": 8, "rms_norm_eps": 1e-05, "rope_theta": 1000000.0,
         "sliding_window": 131072, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
         "use_cache": true, "use_sliding_window": false, "vocab_size": 152064}"""),
            FILE);
    assertThat(ParameterCount.of(qwen.spec(), null).total()).isEqualTo(72_706_203_648L);
    assertThat(qwen.spec().qkvBias()).isTrue();
    assertThat(qwen.spec().outBias()).isFalse();
  }

  @Test
  void yarnMscaleSurvivesThroughTheAttentionFactorTransformersReads() throws Exception {
    ModelSpec base = REGISTRY.resolve("moe-60m").model();
    RopeScaling yarn = new RopeScaling("yarn", 4.0, 2048, 32.0, 1.0, 0.8);
    ModelSpec m = withRope(base, yarn);
    JsonNode json = HfConfig.toJson(m, DType.F32, TokenIds.NONE);
    assertThat(json.get("rope_scaling").get("attention_factor").asDouble())
        .isCloseTo(0.1 * 0.8 * Math.log(4) + 1, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(roundTrip(m)).isEqualTo(m);
    // DeepSeek's form: mscale with mscale_all_dim gives get_mscale(f, m) / get_mscale(f, m_all).
    ObjectNode deepseek = (ObjectNode) JSON.readTree(json.toString());
    ObjectNode rope = (ObjectNode) deepseek.get("rope_scaling");
    rope.remove("attention_factor");
    rope.put("mscale", 1.0).put("mscale_all_dim", 0.5);
    RopeScaling read = HfConfig.fromJson(deepseek, FILE).spec().ropeScaling();
    double want = (1 + 0.1 * Math.log(4)) / (1 + 0.05 * Math.log(4));
    assertThat(RopeConfig.attentionFactor(4, read.mscale()))
        .isCloseTo(want, org.assertj.core.data.Offset.offset(1e-12));
  }

  private static ModelSpec withRope(ModelSpec m, RopeScaling r) {
    return m.toBuilder().ropeScaling(r).build();
  }

  @Test
  void badConfigsNameTheFileAndField() throws Exception {
    assertThatThrownBy(() -> HfConfig.fromJson(JSON.readTree("{\"model_type\": \"bert\"}"), FILE))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("some/config.json")
        .hasMessageContaining("model_type 'bert' is not supported");
    assertThatThrownBy(() -> HfConfig.fromJson(JSON.readTree("{\"n_embd\": 8}"), FILE))
        .hasMessageContaining("no model_type");
    assertThatThrownBy(
            () ->
                HfConfig.fromJson(
                    JSON.readTree(
                        "{\"model_type\": \"llama\", \"hidden_size\": 8, \"num_attention_heads\": 2}"),
                    FILE))
        .hasMessageContaining("some/config.json")
        .hasMessageContaining("missing field 'num_hidden_layers'")
        .hasMessageContaining("llama");
    assertThatThrownBy(
            () ->
                HfConfig.fromJson(
                    JSON.readTree(
                        """
        {"model_type": "llama", "hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1,
         "intermediate_size": 4, "vocab_size": 5, "rope_scaling": {"rope_type": "linear", "factor": 2}}"""),
                    FILE))
        .hasMessageContaining("rope_scaling type 'linear' is not supported");
    assertThatThrownBy(
            () ->
                HfConfig.fromJson(
                    JSON.readTree(
                        """
        {"model_type": "gpt2", "n_embd": "wide"}"""),
                    FILE))
        .hasMessageContaining("field 'n_embd' must be a non-negative integer");
    assertThatThrownBy(
            () ->
                HfConfig.fromJson(
                    JSON.readTree(
                        """
        {"model_type": "qwen2", "hidden_size": 8, "num_attention_heads": 2, "num_hidden_layers": 1,
         "intermediate_size": 4, "vocab_size": 5, "use_sliding_window": true}"""),
                    FILE))
        .hasMessageContaining("sliding-window");
  }

  @Test
  void specsTransformersCannotExpressAreRefused() {
    ModelSpec gqaGpt2 =
        HfNamesTest.spec(
            "{family: gpt2, layers: 1, hidden: 8, heads: 2, kv_heads: 1, "
                + "vocab: 5, context: 4}");
    assertThatThrownBy(() -> HfConfig.toJson(gqaGpt2, DType.F32, TokenIds.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kv_heads = heads");
    ModelSpec biasedMixtral =
        HfNamesTest.spec(
            "{family: llama, layers: 1, hidden: 8, heads: 2, "
                + "intermediate: 4, vocab: 5, context: 4, qkv_bias: true, moe: {experts: 2, experts_per_token: 1}}");
    assertThatThrownBy(() -> HfConfig.toJson(biasedMixtral, DType.F32, TokenIds.NONE))
        .hasMessageContaining("mixtral model cannot hold these biases");
  }
}
