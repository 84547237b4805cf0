package dev.anneal.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;

/**
 * What the deep-learning engine found on this machine: the libtorch version and flavour, the
 * devices it can use, and its thread count, or why it could not start. Loading the engine unpacks
 * natives on first use (seconds), so callers probe it off the UI thread.
 *
 * @param libtorch libtorch version, e.g. "2.7.1"
 * @param devices usable devices, e.g. ["cpu", "gpu(0)"]
 * @param gpus CUDA devices found
 * @param threads intra-op threads libtorch uses on CPU
 * @param error why the engine could not start, or null
 */
public record EngineInfo(
    String libtorch, List<String> devices, int gpus, int threads, String error) {

  /** Starts the PyTorch engine (if not yet) and reports what it found. */
  public static EngineInfo probe() {
    try {
      Engine engine = Engine.getEngine("PyTorch");
      List<String> devices = new ArrayList<>();
      devices.add("cpu");
      int gpus = engine.getGpuCount();
      for (int i = 0; i < gpus; i++) devices.add(Device.gpu(i).toString());
      if (isAppleSilicon()) devices.add("mps");
      return new EngineInfo(
          engine.getVersion(),
          List.copyOf(devices),
          gpus,
          Runtime.getRuntime().availableProcessors(),
          null);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      String msg =
          e.getMessage() != null ? e.getMessage().lines().findFirst().orElse("") : e.toString();
      return new EngineInfo("", List.of(), 0, 0, "PyTorch engine unavailable: " + msg);
    }
  }

  /**
   * The device kinds a run can train on here, best first: {@code cuda} when libtorch sees a GPU,
   * {@code mps} on an Apple Silicon Mac, then {@code cpu} (always, unless the engine failed).
   */
  public List<String> trainingDevices() {
    if (error != null) return List.of();
    List<String> kinds = new ArrayList<>();
    if (gpus > 0) kinds.add("cuda");
    if (devices.contains("mps")) kinds.add("mps");
    kinds.add("cpu");
    return List.copyOf(kinds);
  }

  static boolean isAppleSilicon() {
    return System.getProperty("os.name", "").toLowerCase().contains("mac")
        && System.getProperty("os.arch", "").equals("aarch64");
  }

  /** One line for a status bar or a log: "libtorch 2.7.1 · cpu, gpu(0)". */
  public String summary() {
    if (error != null) return error;
    return "libtorch " + libtorch + " · " + String.join(", ", devices);
  }
}
