package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.anneal.preset.ModelSpec;

/**
 * One GPT-2 block, pre-norm: x + attn(ln_1(x)), then x + mlp(ln_2(x)), with the fused {@code
 * c_attn} projection (Conv1D [C, H·D + 2·Hkv·D]), GELU and the HF names {@code transformer.h.L.*}.
 */
final class Gpt2Block {
  private final int layer;
  private final ModelSpec m;
  private final Norm ln1;
  private final Linear cAttn;
  private final Linear attnProj;
  private final Norm ln2;
  private final Linear cFc;
  private final Linear mlpProj;

  Gpt2Block(Weights w, int layer) {
    this.layer = layer;
    this.m = w.spec;
    String p = "transformer.h." + layer;
    long c = m.hidden(), q = m.queryWidth(), kv = m.kvWidth(), i = m.intermediate();
    double std = m.initStd();
    ln1 = Norm.create(w, p + ".ln_1");
    cAttn = w.linear(p + ".attn.c_attn", "attn", Layout.IN_OUT, c, q + 2 * kv, m.qkvBias(), std);
    attnProj =
        w.linear(p + ".attn.c_proj", "attn", Layout.IN_OUT, q, c, m.outBias(), w.residualStd());
    ln2 = Norm.create(w, p + ".ln_2");
    cFc = w.linear(p + ".mlp.c_fc", "mlp", Layout.IN_OUT, c, i, m.mlpBias(), std);
    mlpProj = w.linear(p + ".mlp.c_proj", "mlp", Layout.IN_OUT, i, c, m.mlpBias(), w.residualStd());
  }

  /** x (B, T, C) → (B, T, C). */
  NDArray forward(NDArray x, ForwardPass pass) {
    x = x.add(pass.dropout(attention(ln1.forward(x), pass), m.dropout()));
    NDArray h = Ops.gelu(cFc.forward(ln2.forward(x), pass));
    return x.add(pass.dropout(mlpProj.forward(h, pass), m.dropout()));
  }

  private NDArray attention(NDArray x, ForwardPass pass) {
    long q = m.queryWidth(), kv = m.kvWidth();
    NDList qkv = cAttn.forward(x, pass).split(new long[] {q, q + kv}, 2);
    NDArray queries = Attention.heads(qkv.get(0), m.heads(), m.headDim());
    NDArray keys = Attention.heads(qkv.get(1), m.kvHeads(), m.headDim());
    NDArray values = Attention.heads(qkv.get(2), m.kvHeads(), m.headDim());
    if (pass.cache != null) {
      NDArray[] seen = pass.cache.append(layer, keys, values, pass);
      keys = seen[0];
      values = seen[1];
    }
    return attnProj.forward(
        Attention.attend(queries, keys, values, pass.mask, pass, m.dropout()), pass);
  }

  Linear[] projections() {
    return new Linear[] {cAttn, attnProj, cFc, mlpProj};
  }
}
