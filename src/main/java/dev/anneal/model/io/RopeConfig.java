package dev.anneal.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.RopeScaling;

/**
 * {@code rope_scaling} as transformers reads it for YaRN ({@code _compute_yarn_parameters}):
 * factor, original_max_position_embeddings, beta_fast, beta_slow, and the attention factor
 * 0.1·mscale·ln(factor) + 1. transformers only honours {@code mscale} together with {@code
 * mscale_all_dim}, so a non-default mscale is also written as the {@code attention_factor} it
 * implies.
 */
final class RopeConfig {
  private RopeConfig() {}

  static void write(ObjectNode c, RopeScaling r) {
    if (r == null) {
      c.putNull("rope_scaling");
      return;
    }
    if (!r.type().equals("yarn")) {
      throw new IllegalArgumentException(
          "rope scaling '" + r.type() + "' cannot be exported (yarn only)");
    }
    ObjectNode s = c.putObject("rope_scaling");
    s.put("rope_type", "yarn");
    s.put("factor", r.factor());
    if (r.originalContext() != null) s.put("original_max_position_embeddings", r.originalContext());
    s.put("beta_fast", r.betaFast());
    s.put("beta_slow", r.betaSlow());
    s.put("mscale", r.mscale());
    if (r.mscale() != 1.0 && r.factor() > 1.0)
      s.put("attention_factor", attentionFactor(r.factor(), r.mscale()));
  }

  /** YaRN's get_mscale: 0.1·mscale·ln(factor) + 1 for factor > 1, else 1. */
  static double attentionFactor(double factor, double mscale) {
    return factor <= 1 ? 1.0 : 0.1 * mscale * Math.log(factor) + 1.0;
  }

  /**
   * transformers 5 writes {@code rope_parameters} (rope_type, rope_theta and the scaling fields
   * together); earlier versions {@code rope_theta} and {@code rope_scaling}. Both are read.
   */
  static RopeScaling read(ConfigFields f) throws ModelFormatException {
    JsonNode s = f.has("rope_parameters") ? f.node("rope_parameters") : f.node("rope_scaling");
    if (s == null) return null;
    JsonNode typeNode = s.has("rope_type") ? s.get("rope_type") : s.get("type");
    String type = typeNode == null ? "default" : typeNode.asText();
    if (type.equals("default")) return null;
    if (!type.equals("yarn")) {
      throw f.problem("rope_scaling type '" + type + "' is not supported (Anneal implements yarn)");
    }
    double factor = number(f, s, "factor", Double.NaN);
    if (Double.isNaN(factor)) throw f.problem("rope_scaling needs a factor");
    JsonNode original = s.get("original_max_position_embeddings");
    double mscale = number(f, s, "mscale", Double.NaN);
    double allDim = number(f, s, "mscale_all_dim", Double.NaN);
    double attention = number(f, s, "attention_factor", Double.NaN);
    // transformers: attention_factor wins; else mscale/mscale_all_dim together; else
    // get_mscale(factor).
    double effective = 1.0;
    if (factor > 1 && !Double.isNaN(attention)) {
      boolean mscaleAgrees =
          !Double.isNaN(mscale) && Math.abs(attentionFactor(factor, mscale) - attention) < 1e-12;
      effective = mscaleAgrees ? mscale : (attention - 1.0) / (0.1 * Math.log(factor));
    } else if (factor > 1
        && !Double.isNaN(mscale)
        && !Double.isNaN(allDim)
        && mscale != 0
        && allDim != 0) {
      effective =
          (attentionFactor(factor, mscale) / attentionFactor(factor, allDim) - 1.0)
              / (0.1 * Math.log(factor));
    } else if (factor <= 1 && !Double.isNaN(mscale)) {
      effective = mscale; // no effect at factor ≤ 1; kept so a round trip is exact
    }
    return new RopeScaling(
        "yarn",
        factor,
        original == null || original.isNull() ? null : original.asInt(),
        number(f, s, "beta_fast", 32.0),
        number(f, s, "beta_slow", 1.0),
        effective);
  }

  /** rope_theta, from rope_parameters (transformers 5) or the top level. */
  static double theta(ConfigFields f) throws ModelFormatException {
    JsonNode p = f.node("rope_parameters");
    if (p != null && p.has("rope_theta")) return number(f, p, "rope_theta", 10_000.0);
    return f.doubleOr("rope_theta", 10_000.0);
  }

  private static double number(ConfigFields f, JsonNode s, String field, double fallback)
      throws ModelFormatException {
    JsonNode n = s.get(field);
    if (n == null || n.isNull()) return fallback;
    if (!n.isNumber()) throw f.problem("rope_scaling." + field + " must be a number, not " + n);
    return n.asDouble();
  }
}
