package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * SwiGLU feed-forward: down(silu(gate(x)) · up(x)), all [out, in] without bias unless the spec says
 * so. Serves as Llama's MLP, as one routed expert (w1 = gate, w3 = up, w2 = down) and as the shared
 * experts (one SwiGLU of width S·Ie). x (..., C) → (..., C).
 */
final class SwiGlu implements FeedForward {
  private final Linear gate;
  private final Linear up;
  private final Linear down;

  private SwiGlu(Linear gate, Linear up, Linear down) {
    this.gate = gate;
    this.up = up;
    this.down = down;
  }

  /**
   * @param path module path, e.g. {@code model.layers.0.mlp}
   * @param container the LoRA container name the projections sit in
   * @param names the names of gate, up and down ({@code gate_proj, up_proj, down_proj} or {@code
   *     w1, w3, w2})
   * @param width the intermediate width
   */
  static SwiGlu create(Weights w, String path, String container, String[] names, long width) {
    long c = w.spec.hidden();
    boolean bias = w.spec.mlpBias();
    double std = w.spec.initStd();
    Linear gate = w.linear(path + "." + names[0], container, Layout.OUT_IN, c, width, bias, std);
    Linear up = w.linear(path + "." + names[1], container, Layout.OUT_IN, c, width, bias, std);
    Linear down =
        w.linear(path + "." + names[2], container, Layout.OUT_IN, width, c, bias, w.residualStd());
    return new SwiGlu(gate, up, down);
  }

  @Override
  public NDArray forward(NDArray x, ForwardPass pass) {
    return down.forward(Ops.silu(gate.forward(x, pass)).mul(up.forward(x, pass)), pass);
  }

  @Override
  public List<Linear> projections() {
    return List.of(gate, up, down);
  }
}
