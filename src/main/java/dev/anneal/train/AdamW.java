package dev.anneal.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.anneal.engine.FusedAdamW;
import dev.anneal.preset.TrainingSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
  private final boolean fused;

  /**
   * @param decayed names of the parameters that take weight decay (not biases, norms and, unless
   *     asked, embeddings: see {@link DecayPolicy})
   * @param manager owns the optimizer state; closed with the optimizer
   */
  public AdamW(
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      Set<String> decayed,
      NDManager manager) {
    this(beta1, beta2, eps, weightDecay, decayed, manager, FusedAdamW.available());
  }

  /**
   * @param fused use PyTorch's fused kernel where it can be called (tests compare both paths)
   */
  AdamW(
      double beta1,
      double beta2,
      double eps,
      double weightDecay,
      Set<String> decayed,
      NDManager manager,
      boolean fused) {
    this.fused = fused;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decayed = Set.copyOf(decayed);
    this.stateManager = manager;
  }

  /**
   * The optimizer a run's {@code training} section asks for, over {@code params} (decay per {@link
   * DecayPolicy}), with every moment made now ({@link #allocateState}): the trainer's, and the
   * bench's, which times the trainer's step.
   *
   * @param manager owns the optimizer state; closed with the optimizer
   */
  static AdamW forRun(TrainingSpec t, Map<String, NDArray> params, NDManager manager) {
    AdamW opt =
        new AdamW(
            t.beta1(),
            t.beta2(),
            t.eps(),
            t.weightDecay(),
            DecayPolicy.decayed(params.keySet(), t.decayEmbeddings()),
            manager);
    opt.allocateState(params);
    return opt;
  }

  /**
   * Makes every parameter's moments now, zero, as the first update would make them, before the
   * first step: made lazily in that update, they land in native memory among the activations every
   * step then allocates and frees, and on the nano preset (2-core VM, transparent huge pages)
   * reading them took 15–27 ms every second or third step against 1.0–1.5 ms when made before the
   * first step (one step's fused AdamW 20–45 ms against 2–3 ms; tokens/s +10 % in that pair).
   */
  void allocateState(Map<String, NDArray> params) {
    for (var e : params.entrySet()) {
      firstMoment(e.getKey(), e.getValue());
      secondMoment(e.getKey(), e.getValue());
    }
  }

  /** Updates every parameter in place from its gradient. */
  public void step(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
    beginStep();
    update(params, grads, lr);
  }

  /** Counts a step: then {@link #update} each group of the parameters once. */
  void beginStep() {
    step++;
  }

  /**
   * The update of the step begun, for {@code params} (all or a group of them; AdamW is elementwise
   * per parameter, so groups updated apart, on threads of their own, give the same numbers). Groups
   * may be updated at once: they read the moments made before the first step and write their own.
   */
  void update(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
    if (fused && FusedAdamW.available() && allOnOneDeviceInFloat32(params)) {
      fusedStep(params, grads, lr);
      return;
    }
    double c1 = 1 - Math.pow(beta1, step);
    double c2 = 1 - Math.pow(beta2, step);
    for (var e : params.entrySet()) {
      String name = e.getKey();
      NDArray p = e.getValue();
      NDArray g = grads.get(name);
      if (g == null) continue;
      NDArray mi = firstMoment(name, p);
      NDArray vi = secondMoment(name, p);
      // One native call per parameter (DJL's Adam) instead of ten from Java. Its step is
      // lr·sqrt(1−β2ᵗ)/(1−β1ᵗ) · m / (sqrt(v) + ε'), which is PyTorch's AdamW above when
      // ε' = ε·sqrt(1−β2ᵗ); decay is decoupled (adamw = true). The reference test checks both
      // paths against the formula.
      float lrCorrected = (float) (lr * Math.sqrt(c2) / c1);
      float wd = decayed.contains(name) ? (float) weightDecay : 0f;
      p.getNDArrayInternal()
          .adamUpdate(
              new NDList(p, g, mi, vi),
              new NDList(p),
              (float) lr,
              lrCorrected,
              wd,
              1f,
              -1f,
              (float) beta1,
              (float) beta2,
              (float) (eps * Math.sqrt(c2)),
              false,
              true);
    }
  }

  /** PyTorch's fused kernel: two calls, for the parameters with and without weight decay. */
  private void fusedStep(Map<String, NDArray> params, Map<String, NDArray> grads, double lr) {
    for (boolean decay : new boolean[] {true, false}) {
      List<NDArray> ps = new ArrayList<>(),
          gs = new ArrayList<>(),
          ms = new ArrayList<>(),
          vs = new ArrayList<>();
      for (var e : params.entrySet()) {
        NDArray g = grads.get(e.getKey());
        if (g == null || decayed.contains(e.getKey()) != decay) continue;
        NDArray p = e.getValue();
        ps.add(p);
        gs.add(g);
        ms.add(firstMoment(e.getKey(), p));
        vs.add(secondMoment(e.getKey(), p));
      }
      // The state's manager is on the parameters' device, where the CUDA kernel reads the count.
      try (NDArray t = stateManager.create((float) step)) {
        FusedAdamW.step(ps, gs, ms, vs, t, lr, beta1, beta2, decay ? weightDecay : 0, eps);
      }
    }
  }

  /** CPU or CUDA (the fused kernel has both); not MPS, which has no fused AdamW in libtorch. */
  private static boolean allOnOneDeviceInFloat32(Map<String, NDArray> params) {
    if (params.isEmpty()) return false;
    Device d = params.values().iterator().next().getDevice();
    boolean supported = d.equals(Device.cpu()) || d.getDeviceType().equals(Device.Type.GPU);
    return supported
        && params.values().stream()
            .allMatch(p -> p.getDataType() == DataType.FLOAT32 && p.getDevice().equals(d));
  }

  /** Parameter {@code name}'s first moment, made zero (shaped as {@code p}) when it has none. */
  private NDArray firstMoment(String name, NDArray p) {
    return m.computeIfAbsent(name, k -> zerosLike(p));
  }

  /** Parameter {@code name}'s second moment, made zero (shaped as {@code p}) when it has none. */
  private NDArray secondMoment(String name, NDArray p) {
    return v.computeIfAbsent(name, k -> zerosLike(p));
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
    state.forEach(
        (k, a) -> {
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
