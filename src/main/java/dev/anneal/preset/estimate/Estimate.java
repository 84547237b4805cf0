package dev.anneal.preset.estimate;

import java.util.List;

/**
 * What a preset costs on its hardware. Bytes are per device unless named host.
 *
 * @param params parameter counts
 * @param memory bytes per device by kind
 * @param hostBytes host RAM per node for what is offloaded (optimizer, parameters, activation
 *     checkpoints); for a CPU run, the whole run's memory
 * @param capacityBytes memory of one device
 * @param fits whether {@code memory.total()} fits in {@code capacityBytes}
 * @param tokensPerStep tokens per optimizer step across all devices
 * @param flopsPerToken training FLOPs per token: forward, backward and attention
 * @param steps optimizer steps of the run
 * @param tokensPerSecond throughput used for the time (measured if the preset gives one)
 * @param measured whether {@code tokensPerSecond} was measured rather than assumed
 * @param seconds time for the whole run
 * @param cost price of the run, or null without a price per device hour
 * @param suggestions what would make it fit, most useful first; empty when it fits
 */
public record Estimate(
    ParameterCount params,
    Memory memory,
    double hostBytes,
    double capacityBytes,
    boolean fits,
    long tokensPerStep,
    double flopsPerToken,
    long steps,
    double tokensPerSecond,
    boolean measured,
    double seconds,
    Double cost,
    List<String> suggestions) {

  /** Bytes per device by kind; {@code lora} is the adapters' own weights. */
  public record Memory(
      double weights,
      double gradients,
      double optimizer,
      double activations,
      double lora,
      double overhead) {
    public double total() {
      return weights + gradients + optimizer + activations + lora + overhead;
    }
  }

  public static double gb(double bytes) {
    return bytes / 1e9;
  }
}
