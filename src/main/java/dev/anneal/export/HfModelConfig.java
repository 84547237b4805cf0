package dev.anneal.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.Balancing;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.RopeScaling;
import java.util.List;

/**
 * A Hugging Face {@code config.json} for presets that train from scratch, so train.py can build the
 * model with {@code AutoModelForCausalLM.from_config}. Deliberately small: only the model types a
 * DeepSpeed bundle needs (gpt2, llama, qwen2, mixtral).
 */
final class HfModelConfig {
  private HfModelConfig() {}

  /**
   * The config, or an exception naming what cannot be expressed; {@code warnings} receives the
   * differences that remain (GPT-2 in Transformers always has biases, for one).
   */
  static ObjectNode of(ModelSpec m, List<String> warnings) {
    ObjectNode c = new ObjectMapper().createObjectNode();
    String type = m.hfModelType();
    switch (type) {
      case "gpt2" -> gpt2(m, c, warnings);
      case "llama", "qwen2", "mixtral" -> llamaLike(m, type, c, warnings);
      default ->
          throw new IllegalArgumentException(
              "model type "
                  + type
                  + " (shared experts)"
                  + " has no Hugging Face Transformers architecture this export maps to; DeepSpeed"
                  + " bundles support gpt2, llama, qwen2 and mixtral");
    }
    c.put("vocab_size", m.vocab());
    c.put("tie_word_embeddings", m.tieEmbeddings());
    c.put("initializer_range", m.initStd());
    c.put("use_cache", false);
    return c;
  }

  private static void gpt2(ModelSpec m, ObjectNode c, List<String> warnings) {
    c.putArray("architectures").add("GPT2LMHeadModel");
    c.put("model_type", "gpt2");
    c.put("n_embd", m.hidden());
    c.put("n_layer", m.layers());
    c.put("n_head", m.heads());
    c.put("n_inner", m.intermediate());
    c.put("n_positions", m.context());
    c.put("layer_norm_epsilon", m.normEps());
    c.put("activation_function", "gelu"); // Anneal's GELU is the exact (erf) form
    c.put("resid_pdrop", m.dropout()).put("embd_pdrop", m.dropout()).put("attn_pdrop", m.dropout());
    if (!m.qkvBias() || !m.outBias() || !m.mlpBias()) {
      warnings.add(
          "model: Transformers' GPT-2 always has biases; the preset turns some off,"
              + " so the exported model has slightly more parameters");
    }
  }

  private static void llamaLike(ModelSpec m, String type, ObjectNode c, List<String> warnings) {
    String arch =
        switch (type) {
          case "qwen2" -> "Qwen2ForCausalLM";
          case "mixtral" -> "MixtralForCausalLM";
          default -> "LlamaForCausalLM";
        };
    c.putArray("architectures").add(arch);
    c.put("model_type", type);
    c.put("hidden_size", m.hidden());
    c.put("num_hidden_layers", m.layers());
    c.put("num_attention_heads", m.heads());
    c.put("num_key_value_heads", m.kvHeads());
    c.put("head_dim", m.headDim());
    c.put("max_position_embeddings", m.context());
    c.put("rms_norm_eps", m.normEps());
    c.put("hidden_act", "silu");
    c.put("attention_dropout", m.dropout());
    c.put("rope_theta", m.ropeTheta());
    if (m.ropeScaling() != null) c.set("rope_scaling", ropeScaling(m.ropeScaling()));
    if (type.equals("llama")) {
      c.put("attention_bias", m.qkvBias());
      c.put("mlp_bias", m.mlpBias());
    }
    if (type.equals("qwen2")) c.put("use_sliding_window", false);
    if (type.equals("mixtral")) {
      MoeSpec moe = m.moe();
      c.put(
          "intermediate_size",
          moe.expertIntermediate() != null ? moe.expertIntermediate() : m.intermediate());
      c.put("num_local_experts", moe.experts());
      c.put("num_experts_per_tok", moe.expertsPerToken());
      boolean auxLoss = moe.balancing() == Balancing.AUX_LOSS && moe.auxLossWeight() > 0;
      c.put("output_router_logits", auxLoss);
      c.put("router_aux_loss_coef", auxLoss ? moe.auxLossWeight() : 0.0);
      if (moe.balancing() == Balancing.AUX_FREE) {
        warnings.add(
            "model.moe: Transformers' Mixtral has no auxiliary-loss-free balancing;"
                + " the router trains without its load bias");
      }
    } else {
      c.put("intermediate_size", m.intermediate());
    }
  }

  private static ObjectNode ropeScaling(RopeScaling r) {
    ObjectNode s = new ObjectMapper().createObjectNode();
    s.put("rope_type", r.type());
    s.put("factor", r.factor());
    if (r.originalContext() != null) s.put("original_max_position_embeddings", r.originalContext());
    if (r.type().equals("yarn")) s.put("beta_fast", r.betaFast()).put("beta_slow", r.betaSlow());
    return s;
  }
}
