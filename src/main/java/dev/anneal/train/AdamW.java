package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * AdamW with decoupled weight decay (Loshchilov and Hutter 2019), written out on NDArrays so its
 * state (m, v, step) can be checkpointed and restored exactly — DJL's own Adam keeps its state
 * private. Same update as PyTorch's {@code torch.optim.AdamW}:
 *
 * <pre>
 *   p ← p · (1 − lr·wd)                      (only for parameters that decay)
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²
 *   p ← p − lr · (m / (1 − β1ᵗ)) / (sqrt(v / (1 − β2ᵗ)) + ε)
 * </pre>
 */
public final class AdamW implements AutoCloseable {
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;
  private final Set<String> decayed;
  private final NDManager stateManager;
  private final Map<String, NDArray> m = new LinkedHashMap<>();
  private final Map<String, NDArray> v = new LinkedHashMap<>();
  private long step;

  /**
   * @param decayed names of the parameters that take weight decay (not biases, norms and, unless
   *                asked, embeddings: see {@link DecayPolicy})
   * @param manager owns the optimizer state; closed with the optimizer
   */
  public AdamW(double beta1, double beta2, double eps, double weightDecay, Set<String> decayed,
      NDManager manager) {
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decayed = Set.copyOf(decayed);
    this.stateManager = manager;
  }

  /** Updates every parameter in place from its gradient. */
  public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
    step++;
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    for (var e : params.entrySet()) {
      String name = e.getKey();
      NDArray p = e.getValue();
      NDArray g = grads.get(name);
      if (g == null) continue;
      NDArray mi = m.computeIfAbsent(name, k -> zerosLike(p));
      NDArray vi = v.computeIfAbsent(name, k -> zerosLike(p));
      // Temporaries from m and v ops land in their manager: borrow them into a scratch one.
      try (NDManager scratch = stateManager.newSubManager()) {
        mi.tempAttach(scratch);
        vi.tempAttach(scratch);
        g.tempAttach(scratch);
        mi.muli(beta1).addi(g.mul(1 - beta1));
        vi.muli(beta2).addi(g.square().muli(1 - beta2));
        NDArray denom = vi.div(c2).sqrt().addi(eps);
        NDArray update = mi.div(denom).muli(lr / c1);
        if (weightDecay > 0 && decayed.contains(name)) p.muli(1 - lr * weightDecay);
        p.subi(update);
      }
    }
  }

  private NDArray zerosLike(NDArray p) {
    NDArray z = stateManager.zeros(p.getShape(), p.getDataType(), p.getDevice());
    return z;
  }

  /** Updates made so far (the t in the bias corrections). */
  public long stepCount() {
    return step;
  }

  /** The state as named arrays: {@code <param>.exp_avg}, {@code <param>.exp_avg_sq}. */
  public Map<String, NDArray> state() {
    Map<String, NDArray> s = new LinkedHashMap<>();
    m.forEach((k, a) -> s.put(k + ".exp_avg", a));
    v.forEach((k, a) -> s.put(k + ".exp_avg_sq", a));
    return s;
  }

  /** Restores state saved by {@link #state()}; arrays are copied into this optimizer's manager. */
  public void load(Map<String, NDArray> state, long stepCount) {
    m.values().forEach(NDArray::close);
    v.values().forEach(NDArray::close);
    m.clear();
    v.clear();
    state.forEach((k, a) -> {
      NDArray copy = a.duplicate();
      copy.attach(stateManager);
      if (k.endsWith(".exp_avg_sq")) v.put(k.substring(0, k.length() - 11), copy);
      else if (k.endsWith(".exp_avg")) m.put(k.substring(0, k.length() - 8), copy);
      else throw new IllegalArgumentException("unknown optimizer state entry " + k);
    });
    step = stepCount;
  }

  @Override
  public void close() {
    stateManager.close();
  }
}
