package dev.anneal.export.gguf;

import dev.anneal.model.io.HfNames;
import dev.anneal.model.io.HostTensor;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Anneal's weights (Hugging Face names) under llama.cpp's tensor names, in the layouts llama.cpp
 * reads: GPT-2's Conv1D matrices transposed to [out, in]; for the {@code llama} architecture the q
 * and k rows of each head reordered from rotate-half pairs (i, i+D/2) to adjacent pairs (2i, 2i+1),
 * since llama.cpp rotates adjacent pairs there ({@code qwen2} rotates halves, as transformers);
 * Mixtral's experts stacked into one [E, ·, ·] tensor per projection.
 *
 * <p>Storage: one-dimensional tensors, the position table and the router stay F32 (small, and
 * llama.cpp keeps them so); a matrix whose rows are not whole Q8_0 blocks falls back to F16.
 */
final class GgufTensors {
  private final ModelSpec m;
  private final Map<String, HostTensor> hf;
  private final GgufType type;
  private final boolean permuteRope;
  private final List<GgufTensor> out = new ArrayList<>();

  private GgufTensors(ModelSpec m, String arch, Map<String, HostTensor> hf, GgufType type) {
    this.m = m;
    this.hf = hf;
    this.type = type;
    this.permuteRope = arch.equals("llama");
  }

  /** The file's tensors for a model whose weights are {@code hf} (merged adapters included). */
  static List<GgufTensor> of(ModelSpec m, String arch, Map<String, HostTensor> hf, GgufType type) {
    refuseBalancingBias(hf);
    GgufTensors t = new GgufTensors(m, arch, hf, type);
    if (m.family() == Family.GPT2) t.gpt2();
    else t.llama();
    return t.out;
  }

  private void gpt2() {
    put("token_embd.weight", get("transformer.wte.weight"));
    put("position_embd.weight", get("transformer.wpe.weight"));
    for (int l = 0; l < m.layers(); l++) {
      String h = "transformer.h." + l + ".", b = "blk." + l + ".";
      weightAndBias(b + "attn_norm", h + "ln_1", false);
      weightAndBias(b + "attn_qkv", h + "attn.c_attn", true);
      weightAndBias(b + "attn_output", h + "attn.c_proj", true);
      weightAndBias(b + "ffn_norm", h + "ln_2", false);
      weightAndBias(b + "ffn_up", h + "mlp.c_fc", true);
      weightAndBias(b + "ffn_down", h + "mlp.c_proj", true);
    }
    weightAndBias("output_norm", "transformer.ln_f", false);
    // Older llama.cpp builds require gpt2's output matrix even when tied, so it is always written.
    put("output.weight", get(m.tieEmbeddings() ? "transformer.wte.weight" : "lm_head.weight"));
  }

  /** GPT-2 in llama.cpp has every bias: those the spec lacks are written as zeros. */
  private void weightAndBias(String gguf, String module, boolean conv1d) {
    HostTensor w = get(module + ".weight");
    put(gguf + ".weight", conv1d ? transpose(w) : w);
    HostTensor b = hf.get(module + ".bias");
    long n = conv1d ? w.shape()[1] : w.shape()[0];
    put(
        gguf + ".bias",
        b != null ? b : new HostTensor(module + ".bias", new long[] {n}, new float[(int) n]));
  }

  private void llama() {
    put("token_embd.weight", get("model.embed_tokens.weight"));
    for (int l = 0; l < m.layers(); l++) {
      String p = "model.layers." + l + ".", b = "blk." + l + ".";
      put(b + "attn_norm.weight", get(p + "input_layernorm.weight"));
      attention(p + "self_attn.", b, "q_proj", "attn_q", m.heads());
      attention(p + "self_attn.", b, "k_proj", "attn_k", m.kvHeads());
      attention(p + "self_attn.", b, "v_proj", "attn_v", 0);
      put(b + "attn_output.weight", get(p + "self_attn.o_proj.weight"));
      put(b + "ffn_norm.weight", get(p + "post_attention_layernorm.weight"));
      if (!m.hasExperts()) {
        put(b + "ffn_gate.weight", get(p + "mlp.gate_proj.weight"));
        put(b + "ffn_up.weight", get(p + "mlp.up_proj.weight"));
        put(b + "ffn_down.weight", get(p + "mlp.down_proj.weight"));
        continue;
      }
      String moe = p + "block_sparse_moe.";
      put(b + "ffn_gate_inp.weight", get(moe + "gate.weight"));
      put(b + "ffn_gate_exps.weight", stackExperts(moe, "w1"));
      put(b + "ffn_down_exps.weight", stackExperts(moe, "w2"));
      put(b + "ffn_up_exps.weight", stackExperts(moe, "w3"));
    }
    put("output_norm.weight", get("model.norm.weight"));
    if (!m.tieEmbeddings()) put("output.weight", get("lm_head.weight"));
  }

  /** A q, k or v projection and its bias; heads > 0 asks for the rotary row order. */
  private void attention(String prefix, String blk, String hfName, String ggufName, int heads) {
    HostTensor w = get(prefix + hfName + ".weight");
    put(blk + ggufName + ".weight", permuteRope && heads > 0 ? ropeRows(w, heads) : w);
    HostTensor bias = hf.get(prefix + hfName + ".bias");
    if (bias != null)
      put(blk + ggufName + ".bias", permuteRope && heads > 0 ? ropeRows(bias, heads) : bias);
  }

  /**
   * Rows (or bias entries) of each head reordered so that rotate-half's pair (i, i+D/2) becomes the
   * adjacent pair (2i, 2i+1): new row h·D + 2i + j is old row h·D + j·D/2 + i.
   */
  static HostTensor ropeRows(HostTensor t, int heads) {
    long rows = t.shape()[0];
    int cols = t.shape().length == 1 ? 1 : (int) t.shape()[1];
    int d = (int) (rows / heads), half = d / 2;
    float[] out = new float[t.data().length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        for (int j = 0; j < 2; j++) {
          int to = h * d + 2 * i + j, from = h * d + j * half + i;
          System.arraycopy(t.data(), from * cols, out, to * cols, cols);
        }
      }
    }
    return new HostTensor(t.name(), t.shape(), out);
  }

  /** experts.e.NAME.weight [R, K] for e in 0..E-1 → one [E, R, K] tensor. */
  private HostTensor stackExperts(String moe, String name) {
    int e = m.moe().experts();
    HostTensor first = get(moe + "experts.0." + name + ".weight");
    int n = first.data().length;
    float[] data = new float[e * n];
    for (int i = 0; i < e; i++)
      System.arraycopy(
          get(moe + "experts." + i + "." + name + ".weight").data(), 0, data, i * n, n);
    return new HostTensor(
        moe + "experts." + name, new long[] {e, first.shape()[0], first.shape()[1]}, data);
  }

  static HostTensor transpose(HostTensor t) {
    int r = (int) t.shape()[0], c = (int) t.shape()[1];
    float[] out = new float[r * c];
    for (int i = 0; i < r; i++) for (int j = 0; j < c; j++) out[j * r + i] = t.data()[i * c + j];
    return new HostTensor(t.name(), new long[] {c, r}, out);
  }

  private void put(String name, HostTensor t) {
    out.add(new GgufTensor(name, t.shape(), storage(name, t.shape()), t.data()));
  }

  private GgufType storage(String name, long[] shape) {
    if (shape.length == 1 || name.startsWith("position_embd") || name.contains("ffn_gate_inp"))
      return GgufType.F32;
    if (shape[shape.length - 1] % type.blockValues != 0) return GgufType.F16;
    return type;
  }

  private HostTensor get(String name) {
    HostTensor t = hf.get(name);
    if (t == null) throw new IllegalArgumentException("the model has no tensor " + name);
    return t;
  }

  /**
   * The aux-free balancing bias moves expert choice; llama.cpp's Mixtral routing has no such term.
   */
  private static void refuseBalancingBias(Map<String, HostTensor> hf) {
    for (HostTensor t : hf.values()) {
      if (!t.name().endsWith(HfNames.CORRECTION_BIAS)) continue;
      for (float v : t.data()) {
        if (v != 0) {
          throw new IllegalArgumentException(
              "not exportable to GGUF: "
                  + t.name()
                  + " (aux-free balancing bias) is non-zero and llama.cpp's Mixtral routing has no such bias");
        }
      }
    }
  }
}
