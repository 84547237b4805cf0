package dev.anneal.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.anneal.engine.DeviceMemory;
import dev.anneal.engine.DevicePeak;
import dev.anneal.engine.FusedAdamW;
import dev.anneal.engine.LibtorchCast;
import dev.anneal.engine.MixedPrecision;
import dev.anneal.engine.NativeTrim;
import dev.anneal.engine.ProcessMemory;
import dev.anneal.model.CausalLm;
import dev.anneal.preset.Preset;
import dev.anneal.preset.TrainingSpec;
import dev.anneal.preset.estimate.Estimator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Times the trainer's own step ({@link TrainingStep}, as {@link Trainer} runs it) on random tokens,
 * on a chosen device: tokens/s, model FLOP/s, the matrix-multiply throughput libtorch reaches in
 * this same process (the ceiling the step can approach), the share of the step spent in Java rather
 * than in native code, and resident memory before and after (a growing figure over many steps is a
 * leak).
 *
 * <p>The Java share is sampled: a watcher thread reads the training thread's stack every 5 ms and
 * counts the samples whose top frame is not a native method. Resident memory is read at each
 * quarter of the run: a steady figure after the first quarter means no growth.
 */
public final class TrainBench {
  /** What a bench run measured. */
  public record Result(
      String preset,
      String device,
      String precision,
      int threads,
      int steps,
      double tokensPerSecond,
      double modelFlopsPerSecond,
      double gemmFlopsPerSecond,
      double javaShare,
      double medianStepMs,
      long rssAfterWarmup,
      long rssAtEnd,
      long peakRss,
      long nativeAfterWarmup,
      long nativeAtEnd,
      List<Long> rssByQuarter,
      double mfu,
      String peakSource,
      long peakDeviceMemory,
      boolean checkpointing,
      long stepBaseline,
      long stepPeak,
      double estimatedActivations,
      double pageFaultsPerStep,
      boolean halves) {

    /**
     * Memory the measured steps took above what lives between steps (weights, gradients, optimizer
     * moments): the activations and a step's temporaries; -1 where the peak could not be reset.
     */
    public long stepActivations() {
      return stepPeak < 0 ? -1 : stepPeak - stepBaseline;
    }

    /** Model FLOP/s as a fraction of the in-process GEMM throughput. */
    public double gemmRatio() {
      return modelFlopsPerSecond / gemmFlopsPerSecond;
    }
  }

  private TrainBench() {}

  /**
   * The trainer's split ({@link CpuSplit#forRun}), except under libtorch's profiler, which records
   * the thread that starts it only: a profiled step then runs whole, and says so.
   */
  private static CpuSplit splitUnlessProfiled(
      CausalLm model, Device device, TrainingSpec t, Path profile) {
    if (profile == null) return CpuSplit.forRun(model, device, t);
    if (!CpuSplit.applies(model, device, t)) return null;
    System.err.println(
        "note: --profile runs each micro batch whole on one thread (the profiler records only the"
            + " thread that starts it); the trainer splits it in two halves on two threads");
    return null;
  }

  public static Result run(Preset preset, int threads, int warmup, int steps)
      throws InterruptedException {
    return run(preset, Device.cpu(), threads, warmup, steps, true, null);
  }

  /**
   * @param sampleStacks measure the Java share (a watcher thread walks the stack every 5 ms)
   * @param profile write libtorch's profiler trace of the measured steps here (Chrome trace JSON;
   *     read it with {@link OpProfile}), or null; profiling slows the steps
   */
  public static Result run(
      Preset preset,
      Device device,
      int threads,
      int warmup,
      int steps,
      boolean sampleStacks,
      Path profile)
      throws InterruptedException {
    Engine.getEngine("PyTorch");
    JniUtils.setGradMode(false); // as the trainer: only the gradient collector turns it on
    if (threads > 0) JniUtils.setNumThreads(threads);
    TrainingSpec t = preset.training();
    MixedPrecision.Decision precision = MixedPrecision.decide(t.precision().toString(), device);
    if (precision.note() != null) System.err.println("note: " + precision.note());
    DevicePeak.RunSetup setup = DevicePeak.setUp(device, precision.precision());
    DevicePeak.Peak peak = setup.peak();
    int seq = t.seqLenOr(preset.model().context());
    int[] tokens = new int[Math.max(1 << 20, seq * t.microBatch() * 64)];
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < tokens.length; i++) tokens[i] = rnd.nextInt(preset.model().vocab());
    BatchSampler sampler =
        new BatchSampler(TokenStream.of(tokens, new long[] {0}), t.microBatch(), seq, 1, -1);
    double flopsPerToken = Estimator.estimate(preset).flopsPerToken();

    try (NDManager root = NDManager.newBaseManager(device);
        DeviceMemory memory = DeviceMemory.watch(device);
        CausalLm model = CausalLm.create(preset.model(), preset.lora(), root, 1)) {
      model.useBf16Matmuls(precision.bf16());
      // Measuring aid: -Danneal.attention=composed times the matmul-composed attention instead.
      if ("composed".equals(System.getProperty("anneal.attention"))) model.useFusedAttention(false);
      var params = model.trainableParameters();
      try (AdamW opt = AdamW.forRun(t, params, root.newSubManager());
          TrainingStep trainingStep =
              TrainingStep.forRun(
                  model, params, t, opt, splitUnlessProfiled(model, device, t, profile))) {
        long rssAfterWarmup = 0;
        long nativeAfterWarmup = 0;
        List<Long> quarters = new ArrayList<>();
        double[] ms = new double[steps];
        StackSampler sampler2 = new StackSampler(Thread.currentThread());
        NativeTrim nativeTrim = new NativeTrim();
        long warmupPeak = 0;
        long stepBaseline = 0;
        boolean peakReset = false;
        long faultsAtWarmup = -1;
        for (int s = 0; s < warmup + steps; s++) {
          if (s == Math.max(0, warmup - 1)) {
            // Between steps only weights, gradients and optimizer moments live: the baseline the
            // measured steps' peak is taken against, with freed heap returned to the system first.
            // One step before the measured ones: the step after a trim faults its pages in again
            // (twice a step's time on the nano preset), which the trainer's steps do not.
            warmupPeak = ProcessMemory.peakResidentBytes();
            dev.anneal.engine.NativeMemory.trim();
            stepBaseline = ProcessMemory.residentBytes();
          }
          if (s == warmup) {
            faultsAtWarmup = ProcessMemory.minorFaults();
            peakReset = ProcessMemory.resetPeak();
            rssAfterWarmup = ProcessMemory.residentBytes();
            nativeAfterWarmup = rssAfterWarmup - javaHeap();
            if (sampleStacks) sampler2.start();
            if (profile != null) JniUtils.startProfile(false, true, false); // with input shapes
          }
          long t0 = System.nanoTime();
          try (NDManager m = root.newSubManager()) {
            List<Batch> micro = new ArrayList<>();
            for (int k = 0; k < t.accumulation(); k++)
              micro.add(sampler.batch(s, k, t.accumulation()));
            StepRunner.Outcome out =
                trainingStep.passes(
                    micro, t.clip(), m); // reads loss and norm: waits for the device
            if (StabilityGuard.nonFinite(out.loss(), out.gradNorm())) trainingStep.discard(m);
            else trainingStep.update(out, t.lr(), m);
          }
          if (s >= warmup) ms[s - warmup] = (System.nanoTime() - t0) / 1e6;
          nativeTrim.afterStep(s + 1); // as the trainer does
          int done = s - warmup + 1;
          if (done > 0 && done % Math.max(1, steps / 4) == 0 && quarters.size() < 4) {
            quarters.add(ProcessMemory.residentBytes());
          }
        }
        if (profile != null) JniUtils.stopProfile(profile.toString());
        double javaShare = sampleStacks ? sampler2.stop() : Double.NaN;
        double totalMs = Arrays.stream(ms).sum();
        double tps = (double) steps * t.accumulation() * t.microBatch() * seq / (totalMs / 1000);
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        long peakDevice = memory.peakBytes();
        long stepPeak = peakReset ? ProcessMemory.peakResidentBytes() : -1;
        double estimated = Estimator.estimate(preset).memory().activations();
        long faultsAtEnd = ProcessMemory.minorFaults();
        double faultsPerStep =
            faultsAtWarmup < 0 || faultsAtEnd < 0
                ? Double.NaN
                : (double) (faultsAtEnd - faultsAtWarmup) / steps;
        return new Result(
            preset.name(),
            device.toString(),
            precision.label() + (setup.tf32() ? " · TF32" : ""),
            JniUtils.getNumThreads(),
            steps,
            tps,
            tps * flopsPerToken,
            gemm(root, t.microBatch() * seq, preset.model().hidden(), precision.bf16()),
            javaShare,
            sorted[steps / 2],
            rssAfterWarmup,
            ProcessMemory.residentBytes(),
            Math.max(warmupPeak, ProcessMemory.peakResidentBytes()),
            nativeAfterWarmup,
            ProcessMemory.residentBytes() - javaHeap(),
            List.copyOf(quarters),
            tps * flopsPerToken / peak.flops(),
            peak.source(),
            peakDevice,
            t.activationCheckpointing(),
            stepBaseline,
            stepPeak,
            estimated,
            faultsPerStep,
            trainingStep.splitsMicroBatches());
      }
    }
  }

  /**
   * The Java heap's committed size: it grows towards -Xmx as garbage accumulates between
   * collections and is part of the resident figure, so native memory is RSS less this.
   */
  private static long javaHeap() {
    return Runtime.getRuntime().totalMemory();
  }

  /** FLOP/s of an (M, C) × (C, 4C) product, the shape of a transformer's MLP, fp32 or bf16. */
  static double gemm(NDManager root, int m, int c, boolean bf16) {
    return DevicePeak.matmulFlops(root, m, c, 4 * c, bf16);
  }

  /** Samples a thread's stack and counts where it is: Java code or a native call. */
  private static final class StackSampler {
    private final Thread target;
    private Thread watcher;
    private volatile boolean running;
    private long java;
    private long total;

    StackSampler(Thread target) {
      this.target = target;
    }

    void start() {
      running = true;
      watcher =
          new Thread(
              () -> {
                while (running) {
                  StackTraceElement[] st = target.getStackTrace();
                  if (st.length > 0) {
                    total++;
                    if (!inNativeCode(st)) java++;
                  }
                  try {
                    Thread.sleep(5); // a stack walk stops the thread: sample gently (200 Hz)
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "bench-sampler");
      watcher.setDaemon(true);
      watcher.start();
    }

    /**
     * A JNI call shows as a native frame; a foreign-function downcall (bf16 casts, fused AdamW)
     * shows as the Java method that makes it, or as the JDK's downcall stub, so those count as
     * native too.
     */
    private static boolean inNativeCode(StackTraceElement[] stack) {
      if (stack[0].isNativeMethod()) return true;
      for (StackTraceElement f : stack) {
        String c = f.getClassName();
        if (c.startsWith("jdk.internal.foreign.") || c.startsWith("java.lang.invoke.")) continue;
        return c.equals(LibtorchCast.class.getName()) || c.equals(FusedAdamW.class.getName());
      }
      return false;
    }

    double stop() throws InterruptedException {
      running = false;
      watcher.join();
      return total == 0 ? 0 : (double) java / total;
    }
  }
}
