package dev.anneal.engine;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Whether a run that asks for 16-bit precision gets bf16 matrix products here, and if not, why.
 * bf16 is used only where it was checked: a CPU whose cores multiply bf16 in hardware (AMX or
 * AVX-512 BF16; elsewhere oneDNN emulates it, slower than fp32), libtorch's cast reachable ({@link
 * LibtorchCast}), and a probe product on the run's device that agrees with fp32 to bf16 precision.
 * On a CUDA GPU the same probe runs on the GPU.
 */
public final class MixedPrecision {
  /**
   * @param bf16 run matrix products in bf16 (weights, optimizer and the rest stay fp32)
   * @param label for the banner: {@code fp32} or {@code bf16 matmuls · fp32 weights}
   * @param note why a 16-bit request stays in fp32, or null
   */
  public record Decision(boolean bf16, String label, String note) {
    /** The precision name the estimator speaks ({@code fp32} or {@code bf16}), for MFU. */
    public String precision() {
      return bf16 ? "bf16" : "fp32";
    }
  }

  private static final Set<String> BF16_FLAGS = Set.of("amx_bf16", "avx512_bf16");
  private static final Decision FP32 = new Decision(false, "fp32", null);

  private MixedPrecision() {}

  /**
   * @param requested the preset's {@code training.precision}: fp32, bf16 or amp
   */
  public static Decision decide(String requested, Device device) {
    if (requested.equals("fp32")) return FP32;
    String why = obstacle(device);
    if (why != null) {
      return new Decision(
          false, "fp32", "the preset asks for " + requested + "; training in fp32 (" + why + ")");
    }
    return new Decision(true, "bf16 matmuls · fp32 weights", null);
  }

  /** What keeps bf16 off this machine's CPU, or null when it was checked to work. */
  public static String obstacleHere() {
    return obstacle(Device.cpu());
  }

  /**
   * What keeps bf16 off this device, or null when it was checked to work: on a CUDA GPU the cast
   * must be reachable and a probe product on that GPU must agree with fp32 (bf16 tensor cores exist
   * from Ampere on; an older card fails the probe or the cast); on a CPU the hardware must multiply
   * bf16 natively as well. Apple's MPS has no reachable cast (the foreign calls are Linux x86-64
   * only).
   */
  static String obstacle(Device device) {
    boolean cpu = device.getDeviceType().equals(Device.Type.CPU);
    if (cpu && !hasBf16Hardware())
      return "this CPU has no AMX or AVX-512 BF16, where bf16 is slower than fp32";
    if (!LibtorchCast.available()) return "libtorch's bf16 cast is reachable only on Linux x86-64";
    if (!probeAgrees(device)) return "a bf16 probe product on " + device + " disagreed with fp32";
    return null;
  }

  static boolean hasBf16Hardware() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (!line.startsWith("flags")) continue;
        for (String flag : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
          if (BF16_FLAGS.contains(flag)) return true;
        }
        return false;
      }
    } catch (IOException | RuntimeException e) {
      // no /proc (macOS, Windows): no x86 bf16 either
    }
    return false;
  }

  /**
   * A (64, 64)·(64, 64) product of values in [−1, 1] in bf16 against fp32: the relative error must
   * be that of bf16 inputs (about 2⁻⁹ per element, ~3e-3 over the sum), neither zero (the cast did
   * nothing) nor large (a wrong kernel).
   */
  private static boolean probeAgrees(Device device) {
    try (NDManager m = NDManager.newBaseManager(device)) {
      // Deterministic inputs: seeding the engine's generator here would disturb the run's.
      NDArray a = m.arange(0f, 4096f).reshape(64, 64).sin();
      NDArray b = m.arange(0f, 4096f).reshape(64, 64).mul(0.37f).cos();
      NDArray exact = a.matMul(b);
      NDArray bf =
          LibtorchCast.toFloat32(LibtorchCast.toBf16(a, m).matMul(LibtorchCast.toBf16(b, m)), m);
      double rel = bf.sub(exact).norm().getFloat() / exact.norm().getFloat();
      return rel > 1e-5 && rel < 2e-2;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
