package dev.anneal.engine;

import ai.djl.Device;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Memory a run holds on its device, current and peak. On a CPU that is the process's resident
 * memory ({@code VmRSS}, {@code VmHWM}). On a CUDA GPU a daemon thread asks the driver every half
 * second what this process holds ({@link NvidiaSmi}: the allocator's reserved memory plus the CUDA
 * context) and keeps the largest figure; between samples a short peak can be missed, but the
 * caching allocator keeps what it reserved, so its high-water mark stays visible.
 */
public final class DeviceMemory implements AutoCloseable {
  private static final long SAMPLE_MS = 500;

  private final Device device;
  private final AtomicLong current = new AtomicLong(-1);
  private final AtomicLong peak = new AtomicLong(-1);
  private final Thread sampler;
  private volatile boolean running = true;

  private DeviceMemory(Device device) {
    this.device = device;
    if (device.isGpu()) {
      long pid = ProcessHandle.current().pid();
      sampler =
          new Thread(
              () -> {
                while (running) {
                  OptionalLong held = NvidiaSmi.processMemory(pid);
                  if (held.isEmpty()) return; // no driver tools: report nothing rather than a guess
                  current.set(held.getAsLong());
                  peak.accumulateAndGet(held.getAsLong(), Math::max);
                  try {
                    Thread.sleep(SAMPLE_MS);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              },
              "device-memory");
      sampler.setDaemon(true);
      sampler.start();
    } else {
      sampler = null;
    }
  }

  /** Starts watching a device's memory. */
  public static DeviceMemory watch(Device device) {
    return new DeviceMemory(device);
  }

  /** Bytes held now, or -1 when unknown (a GPU without nvidia-smi, or before its first sample). */
  public long currentBytes() {
    return device.isGpu() ? current.get() : ProcessMemory.residentBytes();
  }

  /** The most held so far, or -1 when unknown. */
  public long peakBytes() {
    return device.isGpu() ? peak.get() : ProcessMemory.peakResidentBytes();
  }

  /** What the figures measure, for a legend. */
  public String source() {
    return device.isGpu()
        ? "held on the GPU by this process (nvidia-smi)"
        : "process resident memory";
  }

  @Override
  public void close() {
    running = false;
    if (sampler != null) sampler.interrupt();
  }
}
