package dev.anneal.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * The device a preset asks for, if this machine's libtorch has it: {@code cuda} needs DJL's CUDA
 * build of libtorch and a GPU, {@code mps} an Apple Silicon Mac. Otherwise the CPU, with the
 * reason, so the caller can say so in one line.
 */
public final class Devices {
  /**
   * @param note why the device differs from the one asked for, or null
   */
  public record Choice(Device device, String note) {}

  /** The device kinds a preset or a run may name. */
  public static final java.util.List<String> KINDS = java.util.List.of("cpu", "cuda", "mps");

  private Devices() {}

  public static Choice choose(String wanted) {
    Engine engine = Engine.getEngine("PyTorch");
    return switch (wanted) {
      case "cuda" ->
          engine.getGpuCount() > 0
              ? new Choice(Device.gpu(), null)
              : new Choice(
                  Device.cpu(),
                  "the preset asks for CUDA but libtorch sees no GPU (the CPU build "
                      + "from Maven Central is in use; set ANNEAL_ONLINE=1 on a CUDA machine to fetch DJL's CUDA build)");
      case "mps" ->
          EngineInfo.isAppleSilicon()
              ? new Choice(Device.of("mps", -1), null)
              : new Choice(
                  Device.cpu(), "the preset asks for Apple MPS, which needs an Apple Silicon Mac");
      default -> new Choice(Device.cpu(), null);
    };
  }
}
