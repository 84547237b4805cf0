package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.anneal.preset.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GPT-2: token plus learned position embeddings, L pre-norm blocks, a final LayerNorm and a head
 * tied to {@code transformer.wte} unless the spec unties it ({@code lm_head.weight} [V, C]).
 */
final class Gpt2Decoder implements Decoder {
  private final ModelSpec m;
  private final NDArray wte;
  private final NDArray wpe;
  private final List<Gpt2Block> blocks = new ArrayList<>();
  private final Norm lnF;
  private final NDArray head;

  Gpt2Decoder(Weights w) {
    this.m = w.spec;
    wte = w.normal("transformer.wte.weight", m.initStd(), m.vocab(), m.hidden());
    wpe = w.normal("transformer.wpe.weight", m.initStd(), m.context(), m.hidden());
    for (int l = 0; l < m.layers(); l++) blocks.add(new Gpt2Block(w, l));
    lnF = Norm.create(w, "transformer.ln_f");
    head = m.tieEmbeddings() ? wte : w.normal("lm_head.weight", m.initStd(), m.vocab(), m.hidden());
  }

  @Override
  public NDArray embed(NDArray ids, ForwardPass pass) {
    long t = ids.getShape().get(1);
    if (pass.offset + t > m.context()) {
      throw new IllegalArgumentException(
          "positions up to " + (pass.offset + t) + " exceed the model's context " + m.context());
    }
    NDArray positions = pass.manager.arange(pass.offset, pass.offset + t, 1, DataType.INT64);
    NDArray x = Ops.embedding(ids, wte).add(Ops.embedding(positions, wpe));
    return pass.dropout(x, m.dropout());
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
    return lnF.forward(x);
  }

  @Override
  public NDArray headWeight() {
    return head;
  }

  @Override
  public List<Linear> projections() {
    List<Linear> all = new ArrayList<>();
    blocks.forEach(b -> all.addAll(Arrays.asList(b.projections())));
    return all;
  }

  @Override
  public List<MoeFeedForward> moeLayers() {
    return List.of();
  }
}
