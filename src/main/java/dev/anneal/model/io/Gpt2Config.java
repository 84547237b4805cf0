package dev.anneal.model.io;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.Activation;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Norm;
import dev.anneal.preset.Position;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** GPT-2's config.json fields ({@code GPT2Config} in transformers). */
final class Gpt2Config {
  private static final Logger LOG = LoggerFactory.getLogger(Gpt2Config.class);

  /**
   * Anneal's GELU is the exact (erf) form, DJL's and transformers' {@code "gelu"}. OpenAI's GPT-2
   * used the tanh approximation ({@code gelu_new}); its checkpoints load with a small difference.
   */
  static final String ACTIVATION = "gelu";

  private static final Set<String> GELU_VARIANTS =
      Set.of("gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_python");

  private Gpt2Config() {}

  static void write(ObjectNode c, ModelSpec m) {
    if (m.norm() != Norm.LAYERNORM
        || m.activation() != Activation.GELU
        || m.position() != Position.LEARNED) {
      throw new IllegalArgumentException(
          "a gpt2 model needs layernorm, gelu and learned positions");
    }
    if (!m.kvHeads().equals(m.heads()) || m.queryWidth() != m.hidden()) {
      throw new IllegalArgumentException(
          "a gpt2 model needs kv_heads = heads and head_dim = hidden / heads"
              + " (transformers' GPT-2 has neither grouped-query attention nor a separate head_dim)");
    }
    c.put("n_embd", m.hidden());
    c.put("n_layer", m.layers());
    c.put("n_head", m.heads());
    c.put("n_positions", m.context());
    c.put("n_inner", m.intermediate());
    c.put("activation_function", ACTIVATION);
    c.put("layer_norm_epsilon", m.normEps());
    c.put("resid_pdrop", m.dropout());
    c.put("embd_pdrop", m.dropout());
    c.put("attn_pdrop", m.dropout());
    c.put("scale_attn_weights", true);
  }

  /** Every GPT-2 in transformers has all biases, so the spec read back has them all on. */
  static ModelSpec read(ConfigFields f) throws ModelFormatException {
    int hidden = f.requiredInt("n_embd");
    String act = f.stringOr("activation_function", "gelu_new");
    if (!GELU_VARIANTS.contains(act))
      throw f.problem("activation_function '" + act + "' is not a GELU");
    if (!act.equals(ACTIVATION)) {
      LOG.warn(
          "{} uses {}; Anneal computes the exact GELU, so outputs differ slightly", f.file(), act);
    }
    if (f.boolOr("scale_attn_by_inverse_layer_idx", false)
        || f.boolOr("reorder_and_upcast_attn", false)
        || !f.boolOr("scale_attn_weights", true)) {
      throw f.problem(
          "scale_attn_by_inverse_layer_idx, reorder_and_upcast_attn and unscaled attention"
              + " are not supported");
    }
    Integer inner = f.optionalInt("n_inner");
    double dropout = f.doubleOr("resid_pdrop", 0.1);
    return new ModelSpec(
        Family.GPT2,
        f.requiredInt("n_layer"),
        hidden,
        f.requiredInt("n_head"),
        null,
        null,
        inner != null ? inner : 4 * hidden,
        f.requiredInt("vocab_size"),
        f.intOr("n_positions", 1024),
        Position.LEARNED,
        Norm.LAYERNORM,
        f.doubleOr("layer_norm_epsilon", 1e-5),
        Activation.GELU,
        true,
        true,
        true,
        true,
        f.boolOr("tie_word_embeddings", true),
        null,
        null,
        null,
        dropout,
        f.doubleOr("initializer_range", 0.02));
  }
}
