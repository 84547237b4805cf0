package dev.anneal.preset.estimate;

import dev.anneal.preset.Precision;
import java.util.Locale;
import java.util.Map;

/**
 * Dense peak throughput of known devices (vendor datasheets; CPU from Anneal's own measurement on a
 * 2-core Zen 5), used when a preset gives no measured tokens per second.
 */
final class DeviceCatalog {
  /** name → {16-bit TFLOP/s, fp32 TFLOP/s}. */
  private static final Map<String, double[]> PEAK =
      Map.of(
          "h200", new double[] {989, 67},
          "h100", new double[] {989, 67},
          "a100", new double[] {312, 19.5},
          "l40s", new double[] {362, 91.6},
          "rtx4090", new double[] {165, 82.6},
          "rtx5090", new double[] {209, 104.8},
          "m2-max", new double[] {13.6, 13.6},
          "m3-max", new double[] {14.2, 14.2},
          "cpu", new double[] {0.8, 0.4});

  private DeviceCatalog() {}

  /** Peak FLOP/s of one device for this precision. */
  static double peakFlops(String device, String gpuModel, Precision precision) {
    String key =
        gpuModel != null
            ? gpuModel.toLowerCase(Locale.ROOT)
            : switch (device) {
              case "cuda" -> "a100";
              case "mps" -> "m2-max";
              default -> "cpu";
            };
    double[] peak = PEAK.getOrDefault(key, PEAK.get(device.equals("cpu") ? "cpu" : "a100"));
    boolean sixteen = precision.sixteenBit();
    return (sixteen ? peak[0] : peak[1]) * 1e12;
  }

  /** Model FLOPs utilisation to assume when nothing was measured. */
  static double assumedMfu(String device) {
    return switch (device) {
      case "cuda" -> 0.40;
      case "mps" -> 0.30;
      default -> 0.50;
    };
  }

  /** Memory the framework itself takes on a device (CUDA context, allocator slack, JVM). */
  static double overheadBytes(String device) {
    return switch (device) {
      case "cuda" -> 1.0e9;
      case "mps" -> 0.5e9;
      default -> 0.3e9;
    };
  }
}
