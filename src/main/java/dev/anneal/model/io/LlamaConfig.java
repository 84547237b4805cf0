package dev.anneal.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.Activation;
import dev.anneal.preset.Balancing;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.Norm;
import dev.anneal.preset.Position;

/**
 * config.json of the Llama family: {@code llama}, {@code qwen2}, {@code mixtral} (transformers'
 * field names) and {@code anneal_moe}, which adds to Mixtral's fields {@code n_shared_experts},
 * {@code moe_intermediate_size} and DeepSeek-V3's balancing names ({@code topk_method: noaux_tc}
 * for the aux-loss-free bias, {@code bias_update_speed}, {@code routed_scaling_factor}, {@code
 * n_group}, {@code topk_group}).
 */
final class LlamaConfig {
  private LlamaConfig() {}

  static void write(ObjectNode c, ModelSpec m, String type) {
    if (m.norm() != Norm.RMSNORM
        || m.activation() != Activation.SWIGLU
        || m.position() != Position.ROPE) {
      throw new IllegalArgumentException("a " + type + " model needs rmsnorm, swiglu and rope");
    }
    checkBiases(m, type);
    c.put("hidden_size", m.hidden());
    c.put(
        "intermediate_size",
        type.equals("mixtral") ? HfNames.expertIntermediate(m) : m.intermediate());
    c.put("num_hidden_layers", m.layers());
    c.put("num_attention_heads", m.heads());
    c.put("num_key_value_heads", m.kvHeads());
    c.put("head_dim", m.headDim());
    c.put("hidden_act", "silu");
    c.put("max_position_embeddings", m.context());
    c.put("rms_norm_eps", m.normEps());
    c.put("rope_theta", m.ropeTheta());
    RopeConfig.write(c, m.ropeScaling());
    c.put("attention_dropout", m.dropout());
    switch (type) {
      case "llama" -> {
        c.put("attention_bias", m.qkvBias());
        c.put("mlp_bias", m.mlpBias());
        c.put("pretraining_tp", 1);
      }
      case "qwen2" -> {
        c.put("use_sliding_window", false);
        c.putNull("sliding_window");
        c.put("max_window_layers", m.layers());
      }
      case "mixtral" -> writeMixtral(c, m.moe());
      default -> writeAnnealMoe(c, m);
    }
  }

  /**
   * Which biases each type can hold: llama's attention_bias covers q/k/v/o together, plus mlp_bias;
   * qwen2 has q/k/v only; mixtral none; anneal_moe q/k/v.
   */
  private static void checkBiases(ModelSpec m, String type) {
    boolean ok =
        switch (type) {
          case "llama" -> m.qkvBias() == m.outBias();
          case "qwen2" -> !m.outBias() && !m.mlpBias();
          case "mixtral" -> !m.qkvBias() && !m.outBias() && !m.mlpBias();
          default -> !m.outBias() && !m.mlpBias();
        };
    if (!ok) {
      throw new IllegalArgumentException(
          "a "
              + type
              + " model cannot hold these biases (qkv_bias "
              + m.qkvBias()
              + ", out_bias "
              + m.outBias()
              + ", mlp_bias "
              + m.mlpBias()
              + ")");
    }
  }

  private static void writeMixtral(ObjectNode c, MoeSpec moe) {
    if (moe.routeScale() != 1.0 || moe.groups() != 1 || moe.topkGroups() != 1) {
      throw new IllegalArgumentException(
          "mixtral has no route scale or expert groups (route_scale "
              + moe.routeScale()
              + ", groups "
              + moe.groups()
              + ", topk_groups "
              + moe.topkGroups()
              + ")");
    }
    c.put("num_local_experts", moe.experts());
    c.put("num_experts_per_tok", moe.expertsPerToken());
    c.put("router_aux_loss_coef", moe.auxLossWeight());
    c.put("output_router_logits", moe.balancing() == Balancing.AUX_LOSS);
    c.put("router_jitter_noise", 0.0);
    c.putNull("sliding_window");
  }

  private static void writeAnnealMoe(ObjectNode c, ModelSpec m) {
    MoeSpec moe = m.moe();
    c.put("num_local_experts", moe.experts());
    c.put("num_experts_per_tok", moe.expertsPerToken());
    c.put("n_shared_experts", moe.sharedExperts());
    c.put("moe_intermediate_size", HfNames.expertIntermediate(m));
    c.put("topk_method", moe.balancing() == Balancing.AUX_FREE ? "noaux_tc" : "greedy");
    c.put("bias_update_speed", moe.biasUpdateRate());
    c.put("router_aux_loss_coef", moe.auxLossWeight());
    c.put("output_router_logits", moe.balancing() == Balancing.AUX_LOSS);
    c.put("routed_scaling_factor", moe.routeScale());
    c.put("n_group", moe.groups());
    c.put("topk_group", moe.topkGroups());
    c.put("qkv_bias", m.qkvBias());
  }

  static ModelSpec read(ConfigFields f, String type) throws ModelFormatException {
    String act = f.stringOr("hidden_act", "silu");
    if (!act.equals("silu"))
      throw f.problem("hidden_act '" + act + "' is not supported (SwiGLU uses silu)");
    int context = f.intOr("max_position_embeddings", 2048);
    JsonNode layerTypes = f.node("layer_types");
    if ((type.equals("qwen2") && f.boolOr("use_sliding_window", false))
        || (layerTypes != null && layerTypes.toString().contains("sliding"))) {
      throw f.problem("sliding-window attention is not supported");
    }
    if (type.equals("mixtral")
        && f.has("sliding_window")
        && f.requiredInt("sliding_window") < context) {
      throw f.problem(
          "sliding-window attention (sliding_window "
              + f.requiredInt("sliding_window")
              + ") is not supported");
    }
    int heads = f.requiredInt("num_attention_heads");
    boolean qkvBias =
        switch (type) {
          case "llama" -> f.boolOr("attention_bias", false);
          case "qwen2" -> true;
          case "anneal_moe" -> f.boolOr("qkv_bias", false);
          default -> false;
        };
    boolean outBias = type.equals("llama") && qkvBias;
    boolean mlpBias = type.equals("llama") && f.boolOr("mlp_bias", false);
    MoeSpec moe =
        switch (type) {
          case "mixtral" ->
              new MoeSpec(
                  f.requiredInt("num_local_experts"),
                  f.requiredInt("num_experts_per_tok"),
                  0,
                  null,
                  f.boolOr("output_router_logits", false) ? Balancing.AUX_LOSS : Balancing.NONE,
                  null,
                  f.doubleOr("router_aux_loss_coef", 0.001),
                  null,
                  null,
                  null);
          case "anneal_moe" -> annealMoe(f);
          default -> null;
        };
    return new ModelSpec(
        Family.LLAMA,
        f.requiredInt("num_hidden_layers"),
        f.requiredInt("hidden_size"),
        heads,
        f.intOr("num_key_value_heads", heads),
        f.optionalInt("head_dim"),
        f.requiredInt("intermediate_size"),
        f.requiredInt("vocab_size"),
        context,
        Position.ROPE,
        Norm.RMSNORM,
        f.doubleOr("rms_norm_eps", 1e-6),
        Activation.SWIGLU,
        qkvBias,
        outBias,
        mlpBias,
        false,
        f.boolOr("tie_word_embeddings", false),
        RopeConfig.theta(f),
        RopeConfig.read(f),
        moe,
        f.doubleOr("attention_dropout", 0.0),
        f.doubleOr("initializer_range", 0.02));
  }

  private static MoeSpec annealMoe(ConfigFields f) throws ModelFormatException {
    String method = f.stringOr("topk_method", "noaux_tc");
    if (!method.equals("noaux_tc") && !method.equals("greedy")) {
      throw f.problem("topk_method '" + method + "' is not supported (noaux_tc or greedy)");
    }
    Balancing balancing =
        method.equals("noaux_tc")
            ? Balancing.AUX_FREE
            : f.boolOr("output_router_logits", false) ? Balancing.AUX_LOSS : Balancing.NONE;
    return new MoeSpec(
        f.requiredInt("num_local_experts"),
        f.requiredInt("num_experts_per_tok"),
        f.requiredInt("n_shared_experts"),
        f.requiredInt("moe_intermediate_size"),
        balancing,
        f.doubleOr("bias_update_speed", 1e-3),
        f.doubleOr("router_aux_loss_coef", 0.0),
        f.doubleOr("routed_scaling_factor", 1.0),
        f.intOr("n_group", 1),
        f.intOr("topk_group", 1));
  }
}
