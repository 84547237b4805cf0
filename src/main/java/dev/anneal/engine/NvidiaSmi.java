package dev.anneal.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * What the NVIDIA driver's {@code nvidia-smi} says about a GPU: its name (for the MFU peak table)
 * and the device memory this process holds. libtorch exposes neither through DJL, and the driver's
 * figure for a process covers everything it holds on the card: the caching allocator's reserved
 * blocks plus the CUDA context, which is what runs a card out of memory.
 */
public final class NvidiaSmi {
  private NvidiaSmi() {}

  /** The name of GPU {@code index} ("NVIDIA H200"), if nvidia-smi answers. */
  public static Optional<String> name(int index) {
    return run(
            "nvidia-smi", "--query-gpu=name", "--format=csv,noheader", "-i", String.valueOf(index))
        .map(String::strip)
        .filter(s -> !s.isEmpty());
  }

  /** Device memory held by process {@code pid} on any GPU, in bytes, if nvidia-smi answers. */
  public static OptionalLong processMemory(long pid) {
    return run(
            "nvidia-smi", "--query-compute-apps=pid,used_memory", "--format=csv,noheader,nounits")
        .map(out -> parseProcessMemory(out, pid))
        .orElse(OptionalLong.empty());
  }

  /**
   * Sums the MiB of {@code pid}'s lines in {@code --query-compute-apps=pid,used_memory} output
   * ("12345, 40960" per line), as bytes; empty when the process has none.
   */
  static OptionalLong parseProcessMemory(String csv, long pid) {
    long mib = 0;
    boolean found = false;
    for (String line : csv.split("\n")) {
      String[] f = line.split(",");
      if (f.length < 2) continue;
      try {
        if (Long.parseLong(f[0].strip()) != pid) continue;
        mib += Long.parseLong(f[1].strip());
        found = true;
      } catch (NumberFormatException e) {
        // a "[N/A]" or header line
      }
    }
    return found ? OptionalLong.of(mib * 1024 * 1024) : OptionalLong.empty();
  }

  private static Optional<String> run(String... command) {
    try {
      Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return Optional.of(new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty(); // no driver tools here
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
