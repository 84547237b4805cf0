package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import dev.anneal.preset.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One Llama-family block (Llama, Qwen2, Mixtral, seed 004's MoE): x + attn(rms(x)), then x +
 * ffn(rms(x)); grouped-query attention with RoPE, optional q/k/v bias (Qwen2), and a SwiGLU or
 * mixture-of-experts feed-forward. HF names {@code model.layers.L.*}.
 */
final class LlamaBlock {
  private final int layer;
  private final ModelSpec m;
  private final Norm inputNorm;
  private final Linear qProj;
  private final Linear kProj;
  private final Linear vProj;
  private final Linear oProj;
  private final Norm postNorm;
  final FeedForward ffn;

  LlamaBlock(Weights w, int layer) {
    this.layer = layer;
    this.m = w.spec;
    String p = "model.layers." + layer;
    long c = m.hidden(), q = m.queryWidth(), kv = m.kvWidth();
    double std = m.initStd();
    String a = p + ".self_attn";
    inputNorm = Norm.create(w, p + ".input_layernorm");
    qProj = w.linear(a + ".q_proj", "self_attn", Layout.OUT_IN, c, q, m.qkvBias(), std);
    kProj = w.linear(a + ".k_proj", "self_attn", Layout.OUT_IN, c, kv, m.qkvBias(), std);
    vProj = w.linear(a + ".v_proj", "self_attn", Layout.OUT_IN, c, kv, m.qkvBias(), std);
    oProj = w.linear(a + ".o_proj", "self_attn", Layout.OUT_IN, q, c, m.outBias(), w.residualStd());
    postNorm = Norm.create(w, p + ".post_attention_layernorm");
    ffn =
        m.hasExperts()
            ? new MoeFeedForward(w, layer)
            : SwiGlu.create(
                w,
                p + ".mlp",
                "mlp",
                new String[] {"gate_proj", "up_proj", "down_proj"},
                m.intermediate());
  }

  /** x (B, T, C) → (B, T, C). */
  NDArray forward(NDArray x, ForwardPass pass) {
    x = x.add(pass.dropout(attention(inputNorm.forward(x), pass), m.dropout()));
    return x.add(pass.dropout(ffn.forward(postNorm.forward(x), pass), m.dropout()));
  }

  private NDArray attention(NDArray x, ForwardPass pass) {
    NDArray q =
        Rope.apply(
            Attention.heads(qProj.forward(x, pass), m.heads(), m.headDim()), pass.cos, pass.sin);
    NDArray k =
        Rope.apply(
            Attention.heads(kProj.forward(x, pass), m.kvHeads(), m.headDim()), pass.cos, pass.sin);
    NDArray v = Attention.heads(vProj.forward(x, pass), m.kvHeads(), m.headDim());
    if (pass.cache != null) {
      NDArray[] seen = pass.cache.append(layer, k, v, pass);
      k = seen[0];
      v = seen[1];
    }
    return oProj.forward(Attention.attend(q, k, v, pass.mask, pass, m.dropout()), pass);
  }

  List<Linear> projections() {
    List<Linear> all = new ArrayList<>(List.of(qProj, kProj, vProj, oProj));
    all.addAll(ffn.projections());
    return all;
  }
}
