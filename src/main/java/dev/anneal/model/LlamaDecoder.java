package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import dev.anneal.preset.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The Llama family: token embeddings, L blocks with rotary attention, a final RMSNorm and a head
 * ({@code lm_head.weight} [V, C], or {@code model.embed_tokens} when tied).
 */
final class LlamaDecoder implements Decoder {
  private final ModelSpec m;
  private final NDArray embed;
  private final List<LlamaBlock> blocks = new ArrayList<>();
  private final Norm norm;
  private final NDArray head;
  private final ai.djl.ndarray.NDManager manager;
  private Rope rope;

  LlamaDecoder(Weights w) {
    this.m = w.spec;
    embed = w.normal("model.embed_tokens.weight", m.initStd(), m.vocab(), m.hidden());
    for (int l = 0; l < m.layers(); l++) blocks.add(new LlamaBlock(w, l));
    norm = Norm.create(w, "model.norm");
    head =
        m.tieEmbeddings() ? embed : w.normal("lm_head.weight", m.initStd(), m.vocab(), m.hidden());
    manager = w.manager;
    rope = Rope.create(m, manager);
  }

  @Override
  public void useRope(ModelSpec spec) {
    Rope fresh = Rope.create(spec, manager);
    rope.close();
    rope = fresh;
  }

  @Override
  public NDArray embed(NDArray ids, ForwardPass pass) {
    rope.select(pass, pass.offset, Math.toIntExact(ids.getShape().get(1)));
    return pass.dropout(Ops.embedding(ids, embed), m.dropout());
  }

  @Override
  public int layers() {
    return blocks.size();
  }

  @Override
  public NDArray block(int layer, NDArray x, ForwardPass pass) {
    return blocks.get(layer).forward(x, pass);
  }

  @Override
  public NDArray finalNorm(NDArray x) {
    return norm.forward(x);
  }

  @Override
  public NDArray headWeight() {
    return head;
  }

  @Override
  public List<Linear> projections() {
    List<Linear> all = new ArrayList<>();
    blocks.forEach(b -> all.addAll(b.projections()));
    return all;
  }

  @Override
  public List<MoeFeedForward> moeLayers() {
    List<MoeFeedForward> moe = new ArrayList<>();
    for (LlamaBlock b : blocks) if (b.ffn instanceof MoeFeedForward f) moe.add(f);
    return moe;
  }
}
