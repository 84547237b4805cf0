package dev.anneal.preset;

/**
 * Where a preset runs.
 *
 * @param device {@code cpu}, {@code cuda} or {@code mps}
 * @param gpuModel a name for the estimator's throughput table ({@code h200}, {@code h100}, {@code
 *     a100}, {@code rtx4090}, {@code m2-max} ...)
 * @param count devices per node
 * @param nodes machines
 * @param memoryGb memory of one device in GB (10^9 bytes)
 * @param zeroStage DeepSpeed ZeRO stage 0–3 (0: every device holds everything)
 * @param offloadOptimizer optimizer state in host RAM (ZeRO-Offload)
 * @param offloadParams parameters in host RAM (ZeRO-3 only)
 * @param cpuCheckpointing activation checkpoints kept in host RAM
 * @param maxLiveParameters ZeRO-3 parameters gathered at once (seed 000: 3e9 / 3e8)
 * @param pricePerDeviceHour for cost tracking (seed 003), or null
 * @param tokensPerSecond a measured throughput for time estimates, or null to assume one
 * @param mfu assumed model FLOPs utilisation when nothing was measured
 */
public record HardwareSpec(
    String device,
    String gpuModel,
    Integer count,
    Integer nodes,
    Double memoryGb,
    Integer zeroStage,
    Boolean offloadOptimizer,
    Boolean offloadParams,
    Boolean cpuCheckpointing,
    Boolean pinMemory,
    Double maxLiveParameters,
    Double pricePerDeviceHour,
    Double tokensPerSecond,
    Double mfu) {

  public static final HardwareSpec DEFAULT =
      new HardwareSpec(
          null, null, null, null, null, null, null, null, null, null, null, null, null, null);

  public HardwareSpec {
    if (device == null) device = "cpu";
    if (count == null) count = 1;
    if (nodes == null) nodes = 1;
    if (memoryGb == null) memoryGb = device.equals("cpu") ? 16.0 : 24.0;
    if (zeroStage == null) zeroStage = 0;
    if (offloadOptimizer == null) offloadOptimizer = false;
    if (offloadParams == null) offloadParams = false;
    if (cpuCheckpointing == null) cpuCheckpointing = false;
    if (pinMemory == null) pinMemory = offloadOptimizer || offloadParams;
    if (maxLiveParameters == null) maxLiveParameters = 1e9;
  }

  /** All devices across all nodes. */
  public int totalDevices() {
    return count * nodes;
  }

  public HardwareSpec withDevices(int newCount, int newNodes) {
    return new HardwareSpec(
        device,
        gpuModel,
        newCount,
        newNodes,
        memoryGb,
        zeroStage,
        offloadOptimizer,
        offloadParams,
        cpuCheckpointing,
        pinMemory,
        maxLiveParameters,
        pricePerDeviceHour,
        tokensPerSecond,
        mfu);
  }

  public HardwareSpec withMemoryGb(double gb) {
    return new HardwareSpec(
        device,
        gpuModel,
        count,
        nodes,
        gb,
        zeroStage,
        offloadOptimizer,
        offloadParams,
        cpuCheckpointing,
        pinMemory,
        maxLiveParameters,
        pricePerDeviceHour,
        tokensPerSecond,
        mfu);
  }

  public HardwareSpec withZero(int stage, boolean offload) {
    return new HardwareSpec(
        device,
        gpuModel,
        count,
        nodes,
        memoryGb,
        stage,
        offload,
        offload && stage == 3 && offloadParams,
        cpuCheckpointing,
        offload || pinMemory,
        maxLiveParameters,
        pricePerDeviceHour,
        tokensPerSecond,
        mfu);
  }
}
