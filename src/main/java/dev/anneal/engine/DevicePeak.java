package dev.anneal.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The peak FLOP/s that model FLOPs utilisation divides by, for the device a run trains on. A GPU is
 * looked up by name in a table of dense (no sparsity) tensor-core peaks from the vendors'
 * datasheets, for fp32, TF32 and bf16 products; a CPU, an Apple GPU or an unknown GPU gets the
 * matrix-multiply rate measured in this process, in the run's precision, because no table knows its
 * cores, clocks and extensions (an AMX Xeon multiplies bf16 five times faster than a catalog CPU
 * figure assumes). Dividing by a smaller peak than the device's real one is how MFU above 100%
 * happens.
 */
public final class DevicePeak {
  /**
   * @param flops peak FLOP/s of one device in this precision
   * @param source where the figure comes from, for the banner ("H200 datasheet, bf16", "measured
   *     matmul, fp32")
   */
  public record Peak(double flops, String source) {}

  /** A GPU's dense peaks in TFLOP/s: fp32 (CUDA cores), TF32 and bf16 (tensor cores). */
  record GpuPeaks(String match, double fp32, double tf32, double bf16) {}

  /** Most specific names first: the first whose match the GPU's name contains wins. */
  static final List<GpuPeaks> GPUS =
      List.of(
          new GpuPeaks("b200", 80, 1100, 2250),
          new GpuPeaks("h200", 67, 495, 989),
          new GpuPeaks("h100 pcie", 51, 378, 756),
          new GpuPeaks("h100 nvl", 60, 418, 835),
          new GpuPeaks("h100", 67, 495, 989),
          new GpuPeaks("gh200", 67, 495, 989),
          new GpuPeaks("h800", 67, 495, 989),
          new GpuPeaks("a100", 19.5, 156, 312),
          new GpuPeaks("a800", 19.5, 156, 312),
          new GpuPeaks("l40s", 91.6, 183, 362),
          new GpuPeaks("l40", 90.5, 90.5, 181),
          new GpuPeaks("l4", 30.3, 60, 121),
          new GpuPeaks("a10g", 31.2, 62.5, 125),
          new GpuPeaks("a10", 31.2, 62.5, 125),
          new GpuPeaks("rtx 6000 ada", 91.1, 91.1, 182),
          new GpuPeaks("rtx a6000", 38.7, 77.4, 155),
          new GpuPeaks("rtx 5090", 104.8, 104.8, 209.5),
          new GpuPeaks("rtx 4090", 82.6, 82.6, 165.2),
          new GpuPeaks("rtx 4080", 48.7, 48.7, 97.5),
          new GpuPeaks("rtx 3090", 35.6, 35.6, 71),
          new GpuPeaks("rtx 3080", 29.8, 29.8, 59.5),
          new GpuPeaks("v100", 15.7, 15.7, 15.7)); // no bf16 or TF32 tensor cores: fp32 rate

  private static final Map<String, Double> MEASURED = new ConcurrentHashMap<>();

  private DevicePeak() {}

  /**
   * The peak for a run on {@code device}.
   *
   * @param precision {@code fp32} or {@code bf16} (the run's matrix products)
   * @param tf32 fp32 products run on TF32 tensor cores (CUDA, "high" float32 precision)
   * @param gpuName the GPU's name as the driver reports it, or null when unknown
   */
  public static Peak of(Device device, String precision, boolean tf32, String gpuName) {
    if (device.isGpu() && gpuName != null) {
      GpuPeaks g = lookup(gpuName);
      if (g != null) {
        boolean bf16 = precision.equals("bf16");
        double tflops = bf16 ? g.bf16() : tf32 ? g.tf32() : g.fp32();
        return new Peak(
            tflops * 1e12, gpuName + " datasheet, " + (bf16 ? "bf16" : tf32 ? "tf32" : "fp32"));
      }
    }
    boolean bf16 = precision.equals("bf16");
    String key = device + "/" + precision;
    double flops = MEASURED.computeIfAbsent(key, k -> measure(device, bf16));
    return new Peak(flops, "measured matmul, " + precision);
  }

  /**
   * What a run on {@code device} sets up before its first step: TF32 on a CUDA GPU, the GPU's name,
   * and the peak MFU divides by. The trainer and {@code bench train} both start this way.
   *
   * @param tf32 whether fp32 products run on TF32 tensor cores (read back from libtorch)
   * @param gpuName the driver's name for the GPU, or null (a CPU, or no nvidia-smi)
   */
  public record RunSetup(boolean tf32, String gpuName, Peak peak) {
    /**
     * A run's first log line: device, libtorch, CPU threads, precision and the peak its MFU divides
     * by.
     */
    public String banner(Device device, String libtorch, int threads, String precision) {
      return String.format(
          Locale.ROOT,
          "device %s%s · libtorch %s%s · %s%s · MFU of %.1f TFLOP/s (%s)",
          device,
          gpuName == null ? "" : " (" + gpuName + ")",
          libtorch,
          device.isGpu() ? "" : " · " + threads + " threads",
          precision,
          tf32 ? " · TF32 fp32 matmuls" : "",
          peak.flops() / 1e12,
          peak.source());
    }
  }

  /** Turns TF32 on where it applies and finds the peak, for a run in {@code precision}. */
  public static RunSetup setUp(Device device, String precision) {
    boolean tf32 = device.isGpu() && Tf32.enableForCuda();
    String gpuName = device.isGpu() ? NvidiaSmi.name(device.getDeviceId()).orElse(null) : null;
    return new RunSetup(tf32, gpuName, of(device, precision, tf32, gpuName));
  }

  /** The table row for a GPU name, or null when the table does not know it. */
  static GpuPeaks lookup(String gpuName) {
    String n = gpuName.toLowerCase(Locale.ROOT);
    for (GpuPeaks g : GPUS) if (n.contains(g.match())) return g;
    return null;
  }

  /**
   * Best FLOP/s of a (2048, 1024)·(1024, 4096) product on this device (the shape of a wide MLP;
   * large enough to reach the kernels' steady rate, small enough to take well under a second on two
   * CPU cores).
   */
  static double measure(Device device, boolean bf16) {
    try (NDManager m = NDManager.newBaseManager(device)) {
      return matmulFlops(m, 2048, 1024, 4096, bf16);
    }
  }

  /**
   * Best FLOP/s of an (M, K)·(K, N) product of random values on {@code manager}'s device, fp32 or
   * bf16, over five timed repeats after two untimed ones; each repeat reads a row back, which waits
   * for a GPU to finish it.
   */
  public static double matmulFlops(NDManager manager, int rows, int inner, int cols, boolean bf16) {
    try (NDManager m = manager.newSubManager()) {
      NDArray a = m.randomNormal(new Shape(rows, inner));
      NDArray b = m.randomNormal(new Shape(inner, cols));
      if (bf16 && LibtorchCast.available()) {
        a = LibtorchCast.toBf16(a, m);
        b = LibtorchCast.toBf16(b, m);
      }
      double flops = 2.0 * rows * inner * cols;
      double best = 0;
      for (int i = 0; i < 7; i++) {
        long t0 = System.nanoTime();
        try (NDManager rep = m.newSubManager()) {
          NDArray c = a.matMul(b);
          c.attach(rep);
          NDArray first = c.get(0);
          (bf16 ? LibtorchCast.toFloat32(first, rep) : first).getFloat(0);
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (i >= 2) best = Math.max(best, flops / s);
      }
      return best;
    }
  }
}
