package dev.anneal.model.io;

import dev.anneal.preset.Family;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.Norm;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.SequencedMap;

/**
 * The weight-naming contract: every parameter (and saved buffer) of a model, under its Hugging Face
 * state-dict name, with its shape. Model blocks create exactly these; import and export copy them
 * as they are. GPT-2 keeps Conv1D's [in, out] layout; the Llama family nn.Linear's [out, in].
 *
 * <p>Letters: L layer, e expert, C hidden, V vocab, P context, H·D query width, Hkv·D key/value
 * width, I intermediate, Ie expert intermediate, E experts, S shared experts.
 */
public final class HfNames {
  /** The aux-loss-free balancing bias: saved with the weights, never trained by gradient. */
  public static final String CORRECTION_BIAS = "e_score_correction_bias";

  private HfNames() {}

  /** What a model of this spec holds: biases only where the spec has them. */
  public static SequencedMap<String, long[]> expected(ModelSpec m) {
    return m.family() == Family.GPT2
        ? gpt2(m, m.qkvBias(), m.outBias(), m.mlpBias(), layerNormBias(m))
        : llama(m);
  }

  /**
   * What a Hugging Face checkpoint of this spec holds. GPT-2 in transformers always has every bias,
   * so export writes zeros for the ones the spec lacks; the Llama family is as {@link #expected}.
   */
  public static SequencedMap<String, long[]> exported(ModelSpec m) {
    return m.family() == Family.GPT2 ? gpt2(m, true, true, true, true) : expected(m);
  }

  /** Whether a name is a buffer (saved, not a trainable parameter). */
  public static boolean isBuffer(String name) {
    return name.endsWith("." + CORRECTION_BIAS);
  }

  private static boolean layerNormBias(ModelSpec m) {
    return m.norm() == Norm.LAYERNORM && m.normBias();
  }

  private static SequencedMap<String, long[]> gpt2(
      ModelSpec m, boolean qkvBias, boolean outBias, boolean mlpBias, boolean normBias) {
    Names n = new Names();
    long c = m.hidden(), q = m.queryWidth(), kv = m.kvWidth(), i = m.intermediate();
    n.add("transformer.wte.weight", m.vocab(), c);
    n.add("transformer.wpe.weight", m.context(), c);
    for (int layer = 0; layer < m.layers(); layer++) {
      String h = "transformer.h." + layer + ".";
      n.norm(h + "ln_1", c, normBias);
      n.linear(h + "attn.c_attn", qkvBias, q + 2 * kv, c, q + 2 * kv);
      n.linear(h + "attn.c_proj", outBias, c, q, c);
      n.norm(h + "ln_2", c, normBias);
      n.linear(h + "mlp.c_fc", mlpBias, i, c, i);
      n.linear(h + "mlp.c_proj", mlpBias, c, i, c);
    }
    n.norm("transformer.ln_f", c, normBias);
    if (!m.tieEmbeddings()) n.add("lm_head.weight", m.vocab(), c);
    return n.done();
  }

  private static SequencedMap<String, long[]> llama(ModelSpec m) {
    Names n = new Names();
    long c = m.hidden(), q = m.queryWidth(), kv = m.kvWidth();
    boolean normBias = layerNormBias(m);
    n.add("model.embed_tokens.weight", m.vocab(), c);
    for (int layer = 0; layer < m.layers(); layer++) {
      String p = "model.layers." + layer + ".";
      n.norm(p + "input_layernorm", c, normBias);
      n.linear(p + "self_attn.q_proj", m.qkvBias(), q, q, c);
      n.linear(p + "self_attn.k_proj", m.qkvBias(), kv, kv, c);
      n.linear(p + "self_attn.v_proj", m.qkvBias(), kv, kv, c);
      n.linear(p + "self_attn.o_proj", m.outBias(), c, c, q);
      n.norm(p + "post_attention_layernorm", c, normBias);
      if (!m.hasExperts()) {
        swiglu(
            n, p + "mlp.", "gate_proj", "up_proj", "down_proj", c, m.intermediate(), m.mlpBias());
        continue;
      }
      MoeSpec moe = m.moe();
      long ie = expertIntermediate(m);
      String b = p + "block_sparse_moe.";
      n.add(b + "gate.weight", moe.experts(), c);
      for (int e = 0; e < moe.experts(); e++) {
        swiglu(n, b + "experts." + e + ".", "w1", "w3", "w2", c, ie, m.mlpBias());
      }
      if (moe.sharedExperts() > 0) {
        // The S shared experts are one SwiGLU of width S·Ie, as DeepSeek stores them.
        swiglu(
            n,
            b + "shared_experts.",
            "gate_proj",
            "up_proj",
            "down_proj",
            c,
            moe.sharedExperts() * ie,
            m.mlpBias());
        n.add(b + "gate." + CORRECTION_BIAS, moe.experts());
      }
    }
    n.norm("model.norm", c, normBias);
    if (!m.tieEmbeddings()) n.add("lm_head.weight", m.vocab(), c);
    return n.done();
  }

  /** gate [I,C], up [I,C], down [C,I] (nn.Linear layout), biases [I], [I], [C] when asked. */
  private static void swiglu(
      Names n,
      String prefix,
      String gate,
      String up,
      String down,
      long c,
      long width,
      boolean bias) {
    n.linear(prefix + gate, bias, width, width, c);
    n.linear(prefix + up, bias, width, width, c);
    n.linear(prefix + down, bias, c, c, width);
  }

  /** Ie: the expert width, or the model's intermediate when the spec leaves it out. */
  public static long expertIntermediate(ModelSpec m) {
    Integer ie = m.moe().expertIntermediate();
    return ie != null ? ie : m.intermediate();
  }

  /**
   * The LoRA tensors of an adapter: for each adapted module M, {@code M.lora_A.weight} [r, in] and
   * {@code M.lora_B.weight} [out, r], layer by layer. For GPT-2's Conv1D, in is its first
   * dimension, as in PEFT.
   */
  public static SequencedMap<String, long[]> lora(ModelSpec m, LoraSpec lora) {
    Names n = new Names();
    List<ModuleNames.Projection> adapted = ModuleNames.adapted(m, lora);
    for (int layer = 0; layer < m.layers(); layer++) {
      for (ModuleNames.Projection p : adapted) {
        for (String module : ModuleNames.modulePaths(m, layer, p)) {
          n.add(module + ".lora_A.weight", lora.rank(), p.in());
          n.add(module + ".lora_B.weight", p.out(), lora.rank());
        }
      }
    }
    return n.done();
  }

  /** An ordered name → shape map under construction. */
  private static final class Names {
    private final LinkedHashMap<String, long[]> map = new LinkedHashMap<>();

    void add(String name, long... shape) {
      if (map.put(name, shape) != null) throw new IllegalStateException("duplicate " + name);
    }

    void norm(String module, long c, boolean bias) {
      add(module + ".weight", c);
      if (bias) add(module + ".bias", c);
    }

    /** A weight of the given shape and, when asked, a bias of {@code biasSize}. */
    void linear(String module, boolean bias, long biasSize, long... weightShape) {
      add(module + ".weight", weightShape);
      if (bias) add(module + ".bias", biasSize);
    }

    SequencedMap<String, long[]> done() {
      return Collections.unmodifiableSequencedMap(map);
    }
  }
}
