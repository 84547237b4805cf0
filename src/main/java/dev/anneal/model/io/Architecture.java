package dev.anneal.model.io;

import dev.anneal.preset.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Whether two model specs describe the same tensors: a stage-2 run (seed 002's code stage) or a
 * fine-tune must start from weights of exactly its own architecture. Training-only settings
 * (dropout, init scale) do not count.
 */
public final class Architecture {
  private Architecture() {}

  private record Field(String name, Function<ModelSpec, Object> get) {}

  private static final List<Field> FIELDS =
      List.of(
          new Field("family", ModelSpec::family),
          new Field("layers", ModelSpec::layers),
          new Field("hidden", ModelSpec::hidden),
          new Field("heads", ModelSpec::heads),
          new Field("kv_heads", ModelSpec::kvHeads),
          new Field("head_dim", ModelSpec::headDim),
          new Field("intermediate", ModelSpec::intermediate),
          new Field("vocab", ModelSpec::vocab),
          new Field("context", ModelSpec::context),
          new Field("position", ModelSpec::position),
          new Field("norm", ModelSpec::norm),
          new Field("activation", ModelSpec::activation),
          new Field("qkv_bias", ModelSpec::qkvBias),
          new Field("out_bias", ModelSpec::outBias),
          new Field("mlp_bias", ModelSpec::mlpBias),
          new Field("norm_bias", ModelSpec::normBias),
          new Field("tie_embeddings", ModelSpec::tieEmbeddings),
          new Field("moe.experts", m -> m.hasExperts() ? m.moe().experts() : null),
          new Field(
              "moe.experts_per_token", m -> m.hasExperts() ? m.moe().expertsPerToken() : null),
          new Field("moe.shared_experts", m -> m.hasExperts() ? m.moe().sharedExperts() : null),
          new Field(
              "moe.expert_intermediate",
              m -> m.hasExperts() ? m.moe().expertIntermediate() : null));

  /** "model.layers: 12 (checkpoint) vs 24 (preset)" for each field that differs. */
  public static List<String> differences(ModelSpec checkpoint, ModelSpec preset) {
    List<String> out = new ArrayList<>();
    for (Field f : FIELDS) {
      Object a = f.get().apply(checkpoint);
      Object b = f.get().apply(preset);
      if (!Objects.equals(a, b)) {
        out.add(
            "model."
                + f.name()
                + ": "
                + text(a)
                + " in the checkpoint, "
                + text(b)
                + " in the preset");
      }
    }
    return out;
  }

  private static String text(Object o) {
    return o == null ? "none" : o.toString().toLowerCase(java.util.Locale.ROOT);
  }
}
