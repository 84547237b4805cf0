package dev.anneal.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.anneal.model.CausalLm;
import dev.anneal.preset.TrainingSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Each micro batch split in two halves of rows whose passes run at once on two threads, each with
 * half the CPU threads, on a CPU. On two cores that is one libtorch thread per half: small products
 * split over two threads wait at every operator for the slower one, and halves that never meet keep
 * both cores busy (nano, bf16: two single-threaded processes at micro batch 4 did 12,954 to 13,009
 * tokens/s together against 11,310 to 11,622 for one at micro batch 8 on both cores).
 *
 * <p>The first half runs through the model itself, the second through its {@link CausalLm#replica}:
 * the same weights, gradients of its own. The replica's gradients are added to the model's once per
 * step, after every micro batch, so each sum is made in one order whatever the threads' timing and
 * a run is repeatable (exact resume). The step's end (that sum, the clip, AdamW, the zeroing) runs
 * on the same two threads, half the parameters each. Off with {@code -Danneal.cpuSplit=false}.
 */
final class CpuSplit implements AutoCloseable {
  /** Bytes a replica may add (its float32 gradients and bf16 weight copies) for a split to run. */
  static final long MAX_EXTRA_BYTES = 1L << 30;

  private final CausalLm model;
  private final ExecutorService first;
  private final ExecutorService second;
  private CausalLm replica;
  private Map<String, NDArray> groupsOf;
  private List<Map<String, NDArray>> groups;

  /** A split whose two threads run {@code threadsEach} libtorch threads each. */
  CpuSplit(CausalLm model, int threadsEach) {
    this.model = model;
    this.first = Executors.newSingleThreadExecutor(r -> daemon(r, "anneal-step-1"));
    this.second = Executors.newSingleThreadExecutor(r -> daemon(r, "anneal-step-2"));
    int mainThreads = JniUtils.getNumThreads();
    Callable<Integer> setUp =
        () -> {
          // Grad mode is per thread and on in a new one: only a pass may turn it on.
          JniUtils.setGradMode(false);
          JniUtils.setNumThreads(threadsEach);
          // libtorch gives a thread its count on its first operator, from the process-wide
          // setting, which the line below puts back for the caller: take it now.
          return JniUtils.getNumThreads();
        };
    List<Integer> got = both(setUp, setUp);
    JniUtils.setNumThreads(mainThreads);
    for (int n : got)
      if (n != threadsEach) throw new IllegalStateException("a step thread got " + n + " threads");
  }

  /**
   * A split for this run, or null when the step should run on one thread: a CPU with at least two
   * threads, micro batches of at least two rows, no dropout (it draws from one generator for both
   * threads, so a run would not repeat; adapters' dropout included), and a replica under {@link
   * #MAX_EXTRA_BYTES}. Activation checkpointing splits too: each half recomputes its own blocks.
   */
  static CpuSplit forRun(CausalLm model, Device device, TrainingSpec t) {
    return applies(model, device, t) ? new CpuSplit(model, JniUtils.getNumThreads() / 2) : null;
  }

  /** Whether {@link #forRun} splits this run's steps (without starting the threads). */
  static boolean applies(CausalLm model, Device device, TrainingSpec t) {
    if ("false".equals(System.getProperty("anneal.cpuSplit"))) return false;
    int threads = JniUtils.getNumThreads();
    if (!Device.Type.CPU.equals(device.getDeviceType()) || threads < 2 || t.microBatch() < 2)
      return false;
    boolean adapterDropout = model.lora() != null && model.lora().dropout() > 0;
    if (model.spec().dropout() > 0 || adapterDropout) return false;
    // The replica's float32 gradients, and in a bf16 step its copies of every weight, frozen too.
    long extra = 0;
    for (NDArray p : model.trainableParameters().values()) extra += 4 * p.getShape().size();
    if (model.usesBf16Matmuls())
      for (var p : model.params()) extra += 2 * p.array().getShape().size();
    return extra <= MAX_EXTRA_BYTES;
  }

  /** The replica for the second half, made anew when the model's spec changed (a RoPE phase). */
  CausalLm replica() {
    if (replica != null && replica.spec() != model.spec()) {
      replica.close();
      replica = null;
    }
    if (replica == null) replica = model.replica();
    else replica.adapters().follow(model.adapters());
    return replica;
  }

  /**
   * Runs {@code a} on the first thread and {@code b} on the second and waits for both, even when
   * interrupted (their native work cannot be stopped halfway; the interrupt is kept).
   *
   * @return a's result and b's
   */
  <T> List<T> both(Callable<T> a, Callable<T> b) {
    Future<T> fa = first.submit(a);
    Future<T> fb = second.submit(b);
    // Both are waited for before either's failure is thrown: the caller then closes what they use.
    Outcome<T> ra = await(fa);
    Outcome<T> rb = await(fb);
    return Arrays.asList(ra.value(), rb.value());
  }

  /** A task's result or what it threw. */
  private record Outcome<T>(T result, Throwable failure) {
    T value() {
      if (failure == null) return result;
      if (failure instanceof RuntimeException r) throw r;
      if (failure instanceof Error e) throw e;
      throw new IllegalStateException(failure);
    }
  }

  private static <T> Outcome<T> await(Future<T> f) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return new Outcome<>(f.get(), null);
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (ExecutionException e) {
          return new Outcome<>(null, e.getCause());
        }
      }
    } finally {
      if (interrupted) Thread.currentThread().interrupt();
    }
  }

  /**
   * The step's end of the passes: adds the replica's gradients to the model's ({@code params}, by
   * name) and zeroes the replica's, then clips the sums to global norm {@code clip} (0: no limit),
   * as {@link GradientClipping#clipOnDevice} does; each thread takes one {@link #groups group} of
   * the parameters, so the main thread's libtorch threads never wake during a step.
   *
   * @return the norm before clipping, a scalar owned by {@code step}
   */
  NDArray gatherAndClip(Map<String, NDArray> params, double clip, NDManager step) {
    List<Map<String, NDArray>> groups = groups(params);
    Map<String, NDArray> theirs = replica.trainableParameters();
    List<List<NDArray>> grads =
        both(() -> gather(groups.get(0), theirs, step), () -> gather(groups.get(1), theirs, step));
    List<NDArray> norms =
        both(
            () -> GradientClipping.norms(grads.get(0), step),
            () -> GradientClipping.norms(grads.get(1), step));
    NDArray norm = NDArrays.concat(new NDList(norms.get(0), norms.get(1))).norm();
    if (clip > 0) {
      NDArray factor = GradientClipping.factor(norm, clip, step);
      each(
          () -> GradientClipping.scale(grads.get(0), factor),
          () -> GradientClipping.scale(grads.get(1), factor));
    }
    return norm;
  }

  /** The model's gradients of {@code group} with the replica's added in; the replica's zeroed. */
  private static List<NDArray> gather(
      Map<String, NDArray> group, Map<String, NDArray> theirs, NDManager step) {
    List<NDArray> sums = new ArrayList<>(group.size());
    for (var e : group.entrySet()) {
      NDArray mine = e.getValue().getGradient();
      NDArray other = theirs.get(e.getKey()).getGradient();
      mine.attach(step); // handles on the gradients, not the gradients themselves
      other.attach(step);
      mine.addi(other);
      StepRunner.zero(other);
      sums.add(mine);
    }
    return sums;
  }

  /**
   * The optimizer's update of the step and the zeroing of the gradients, one group of parameters on
   * each thread (the same numbers as one {@link AdamW#step} over all of them).
   */
  void update(AdamW optimizer, Map<String, NDArray> params, double lr, NDManager step) {
    List<Map<String, NDArray>> groups = groups(params);
    optimizer.allocateState(params); // the moments exist before two threads read them
    optimizer.beginStep();
    each(
        () -> updateGroup(optimizer, groups.get(0), lr, step),
        () -> updateGroup(optimizer, groups.get(1), lr, step));
  }

  private static void updateGroup(
      AdamW optimizer, Map<String, NDArray> group, double lr, NDManager step) {
    Map<String, NDArray> grads = new LinkedHashMap<>();
    for (var e : group.entrySet()) {
      NDArray g = e.getValue().getGradient();
      g.attach(step);
      grads.put(e.getKey(), g);
    }
    optimizer.update(group, grads, lr);
    for (NDArray g : grads.values()) StepRunner.zero(g);
  }

  /**
   * {@code params} in two runs of their order with about half the elements each (computed once per
   * map): the first thread's share of the per-parameter work and the second's.
   */
  List<Map<String, NDArray>> groups(Map<String, NDArray> params) {
    if (groupsOf != params) {
      long total = 0;
      for (NDArray p : params.values()) total += p.getShape().size();
      Map<String, NDArray> first = new LinkedHashMap<>(), second = new LinkedHashMap<>();
      long seen = 0;
      for (var e : params.entrySet()) {
        (seen < total / 2 ? first : second).put(e.getKey(), e.getValue());
        seen += e.getValue().getShape().size();
      }
      groups = List.of(first, second);
      groupsOf = params;
    }
    return groups;
  }

  /** Runs {@code a} on the first thread and {@code b} on the second, as {@link #both}. */
  void each(Runnable a, Runnable b) {
    both(
        () -> {
          a.run();
          return Boolean.TRUE;
        },
        () -> {
          b.run();
          return Boolean.TRUE;
        });
  }

  @Override
  public void close() {
    first.shutdownNow();
    second.shutdownNow();
    if (replica != null) replica.close();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
