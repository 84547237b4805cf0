package dev.anneal.export.gguf;

import dev.anneal.model.io.HfNames;
import dev.anneal.preset.Activation;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.Norm;
import dev.anneal.preset.Position;
import dev.anneal.preset.RopeScaling;
import java.util.ArrayList;
import java.util.List;

/**
 * Which llama.cpp architecture a model is ({@code gpt2}, {@code llama} — Mixtral included — or
 * {@code qwen2}), and the {@code ARCH.*} hyper-parameter keys llama.cpp reads for it. A spec
 * llama.cpp would run differently from Anneal is refused with the reason, never written.
 */
public final class GgufArchitecture {
  private GgufArchitecture() {}

  /** The architecture name; {@link IllegalArgumentException} naming everything llama.cpp lacks. */
  public static String of(ModelSpec m) {
    List<String> why = new ArrayList<>();
    String arch;
    if (m.family() == Family.GPT2) {
      arch = "gpt2";
      if (m.position() != Position.LEARNED) why.add("rotary positions");
      if (m.norm() != Norm.LAYERNORM) why.add("RMSNorm");
      if (m.activation() != Activation.GELU) why.add("SwiGLU");
      if (!m.kvHeads().equals(m.heads())) why.add("grouped-query attention");
      if (m.queryWidth() != m.hidden()) why.add("head_dim × heads ≠ hidden");
      if (m.hasExperts()) why.add("experts");
    } else {
      arch = m.qkvBias() && !m.hasExperts() ? "qwen2" : "llama";
      if (m.position() != Position.ROPE) why.add("learned positions");
      if (m.norm() != Norm.RMSNORM) why.add("LayerNorm");
      if (m.activation() != Activation.SWIGLU) why.add("GELU");
      if (m.mlpBias()) why.add("feed-forward biases");
      if (m.outBias()) why.add("an output-projection bias");
      if (m.hasExperts() && m.qkvBias())
        why.add("q/k/v biases with experts (qwen2moe is not covered)");
      if (m.hasExperts()) moe(m.moe(), why);
      rope(m.ropeScaling(), why);
    }
    if (!why.isEmpty()) {
      throw new IllegalArgumentException(
          "not exportable to GGUF: llama.cpp's "
              + arch
              + " architecture does not support "
              + String.join("; ", why));
    }
    return arch;
  }

  private static void moe(MoeSpec moe, List<String> why) {
    if (moe.sharedExperts() > 0)
      why.add("shared experts (" + moe.sharedExperts() + " here; Mixtral has none)");
    if (moe.routeScale() != 1.0) why.add("route_scale " + moe.routeScale());
    if (moe.groups() > 1) why.add("group-limited routing");
  }

  private static void rope(RopeScaling s, List<String> why) {
    if (s == null) return;
    switch (s.type()) {
      case "linear" -> {}
      case "yarn" -> {
        if (s.betaFast() != 32.0 || s.betaSlow() != 1.0 || s.mscale() != 1.0) {
          why.add("YaRN with beta_fast/beta_slow/mscale other than 32/1/1");
        }
      }
      default -> why.add("rope scaling '" + s.type() + "'");
    }
  }

  /** Writes {@code general.architecture} and the {@code ARCH.*} keys. */
  public static void metadata(GgufWriter w, ModelSpec m, String arch) {
    w.putString("general.architecture", arch);
    String a = arch + ".";
    w.putU32(a + "context_length", m.context());
    w.putU32(a + "embedding_length", m.hidden());
    w.putU32(a + "block_count", m.layers());
    w.putU32(
        a + "feed_forward_length",
        m.hasExperts() ? HfNames.expertIntermediate(m) : m.intermediate());
    w.putU32(a + "attention.head_count", m.heads());
    if (m.family() == Family.GPT2) {
      w.putF32(a + "attention.layer_norm_epsilon", m.normEps());
      return;
    }
    w.putU32(a + "attention.head_count_kv", m.kvHeads());
    w.putF32(a + "attention.layer_norm_rms_epsilon", m.normEps());
    w.putF32(a + "rope.freq_base", m.ropeTheta());
    w.putU32(a + "rope.dimension_count", m.headDim());
    w.putU32(a + "attention.key_length", m.headDim());
    w.putU32(a + "attention.value_length", m.headDim());
    w.putU32(a + "vocab_size", m.vocab());
    RopeScaling s = m.ropeScaling();
    if (s != null) {
      w.putString(a + "rope.scaling.type", s.type());
      w.putF32(a + "rope.scaling.factor", s.factor());
      if (s.originalContext() != null)
        w.putU32(a + "rope.scaling.original_context_length", s.originalContext());
    }
    if (m.hasExperts()) {
      w.putU32(a + "expert_count", m.moe().experts());
      w.putU32(a + "expert_used_count", m.moe().expertsPerToken());
    }
  }
}
