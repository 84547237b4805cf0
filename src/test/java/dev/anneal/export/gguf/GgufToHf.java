package dev.anneal.export.gguf;

import dev.anneal.model.io.HostTensor;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * The tests' own way back from a GGUF file's tensors to Hugging Face names and layouts, written
 * from llama.cpp's conventions rather than from the exporter: GPT-2's matrices transposed back to
 * Conv1D [in, out]; the llama architecture's interleaved rotary rows put back in halves; stacked
 * experts split.
 */
final class GgufToHf {
  private final GgufReader file;
  private final Map<String, HostTensor> out = new HashMap<>();

  private GgufToHf(GgufReader file) {
    this.file = file;
  }

  static Map<String, HostTensor> of(GgufReader file, ModelSpec m) {
    GgufToHf t = new GgufToHf(file);
    if (m.family() == Family.GPT2) t.gpt2(m);
    else t.llama(m, file.meta.get("general.architecture").equals("llama"));
    return t.out;
  }

  private void gpt2(ModelSpec m) {
    copy("token_embd.weight", "transformer.wte.weight");
    copy("position_embd.weight", "transformer.wpe.weight");
    for (int l = 0; l < m.layers(); l++) {
      String b = "blk." + l + ".", h = "transformer.h." + l + ".";
      copy(b + "attn_norm.weight", h + "ln_1.weight");
      copy(b + "attn_norm.bias", h + "ln_1.bias");
      for (String[] p :
          new String[][] {
            {"attn_qkv", "attn.c_attn"},
            {"attn_output", "attn.c_proj"},
            {"ffn_up", "mlp.c_fc"},
            {"ffn_down", "mlp.c_proj"}
          }) {
        HostTensor w = tensor(b + p[0] + ".weight", h + p[1] + ".weight");
        int rows = (int) w.shape()[0], cols = (int) w.shape()[1];
        float[] t = new float[rows * cols];
        for (int r = 0; r < rows; r++)
          for (int c = 0; c < cols; c++) t[c * rows + r] = w.data()[r * cols + c];
        out.put(w.name(), new HostTensor(w.name(), new long[] {cols, rows}, t));
        copy(b + p[0] + ".bias", h + p[1] + ".bias");
      }
      copy(b + "ffn_norm.weight", h + "ln_2.weight");
      copy(b + "ffn_norm.bias", h + "ln_2.bias");
    }
    copy("output_norm.weight", "transformer.ln_f.weight");
    copy("output_norm.bias", "transformer.ln_f.bias");
  }

  private void llama(ModelSpec m, boolean interleaved) {
    copy("token_embd.weight", "model.embed_tokens.weight");
    for (int l = 0; l < m.layers(); l++) {
      String b = "blk." + l + ".", p = "model.layers." + l + ".";
      copy(b + "attn_norm.weight", p + "input_layernorm.weight");
      for (String[] q :
          new String[][] {{"attn_q", "q_proj"}, {"attn_k", "k_proj"}, {"attn_v", "v_proj"}}) {
        int heads = q[0].equals("attn_q") ? m.heads() : m.kvHeads();
        boolean rope = interleaved && !q[0].equals("attn_v");
        for (String kind : new String[] {".weight", ".bias"}) {
          if (!file.tensors.containsKey(b + q[0] + kind)) continue;
          HostTensor t = tensor(b + q[0] + kind, p + "self_attn." + q[1] + kind);
          out.put(t.name(), rope ? halves(t, heads) : t);
        }
      }
      copy(b + "attn_output.weight", p + "self_attn.o_proj.weight");
      copy(b + "ffn_norm.weight", p + "post_attention_layernorm.weight");
      if (!m.hasExperts()) {
        copy(b + "ffn_gate.weight", p + "mlp.gate_proj.weight");
        copy(b + "ffn_up.weight", p + "mlp.up_proj.weight");
        copy(b + "ffn_down.weight", p + "mlp.down_proj.weight");
        continue;
      }
      String moe = p + "block_sparse_moe.";
      copy(b + "ffn_gate_inp.weight", moe + "gate.weight");
      split(b + "ffn_gate_exps.weight", moe, "w1");
      split(b + "ffn_down_exps.weight", moe, "w2");
      split(b + "ffn_up_exps.weight", moe, "w3");
    }
    copy("output_norm.weight", "model.norm.weight");
    if (file.tensors.containsKey("output.weight")) copy("output.weight", "lm_head.weight");
  }

  /** Per head, row 2i+j of the file is row j·D/2+i of transformers' layout. */
  private static HostTensor halves(HostTensor t, int heads) {
    int rows = (int) t.shape()[0], cols = t.data().length / rows, d = rows / heads;
    float[] o = new float[t.data().length];
    for (int r = 0; r < rows; r++) {
      int h = r / d, within = r % d, i = within / 2, j = within % 2;
      System.arraycopy(t.data(), r * cols, o, (h * d + j * d / 2 + i) * cols, cols);
    }
    return new HostTensor(t.name(), t.shape(), o);
  }

  private void split(String gguf, String moe, String name) {
    GgufReader.Info info = file.tensors.get(gguf);
    long[] s = info.shape();
    float[] all = file.floats(gguf);
    int n = (int) (s[1] * s[2]);
    for (int e = 0; e < s[0]; e++) {
      float[] part = new float[n];
      System.arraycopy(all, e * n, part, 0, n);
      String hf = moe + "experts." + e + "." + name + ".weight";
      out.put(hf, new HostTensor(hf, new long[] {s[1], s[2]}, part));
    }
  }

  private void copy(String gguf, String hf) {
    out.put(hf, tensor(gguf, hf));
  }

  private HostTensor tensor(String gguf, String hf) {
    return new HostTensor(
        hf,
        file.tensors.get(gguf) == null ? missing(gguf) : file.tensors.get(gguf).shape(),
        file.floats(gguf));
  }

  private static long[] missing(String gguf) {
    throw new AssertionError("the file has no " + gguf);
  }
}
