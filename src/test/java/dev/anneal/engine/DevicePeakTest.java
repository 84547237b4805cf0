package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import dev.anneal.AppEnvironment;
import java.util.OptionalLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DevicePeakTest {
  @BeforeAll
  static void engine() {
    AppEnvironment.configure();
  }

  @Test
  void gpusAreFoundByTheirDriverNamesMostSpecificFirst() {
    DevicePeak.Peak h200 = DevicePeak.of(Device.gpu(), "bf16", false, "NVIDIA H200");
    assertThat(h200.flops()).isEqualTo(989e12);
    assertThat(h200.source()).isEqualTo("NVIDIA H200 datasheet, bf16");
    assertThat(DevicePeak.of(Device.gpu(), "fp32", true, "NVIDIA H200").flops()).isEqualTo(495e12);
    assertThat(DevicePeak.of(Device.gpu(), "fp32", false, "NVIDIA H200").flops()).isEqualTo(67e12);
    assertThat(DevicePeak.lookup("NVIDIA H100 PCIe").bf16()).isEqualTo(756);
    assertThat(DevicePeak.lookup("NVIDIA H100 80GB HBM3").bf16()).isEqualTo(989);
    assertThat(DevicePeak.lookup("NVIDIA A100-SXM4-80GB").tf32()).isEqualTo(156);
    assertThat(DevicePeak.lookup("NVIDIA L40S").bf16()).isEqualTo(362);
    assertThat(DevicePeak.lookup("NVIDIA L4").bf16()).isEqualTo(121);
    assertThat(DevicePeak.lookup("NVIDIA GeForce RTX 4090").fp32()).isEqualTo(82.6);
    assertThat(DevicePeak.lookup("NVIDIA GeForce RTX 3090").bf16()).isEqualTo(71);
    assertThat(DevicePeak.lookup("NVIDIA A10G").bf16()).isEqualTo(125);
    assertThat(DevicePeak.lookup("Some Future GPU")).isNull();
  }

  /**
   * On a CPU the peak is this process's own matmul rate: the same order as a timed product here,
   * and far above the 0.4 TFLOP/s catalog figure an AMX machine beats in bf16.
   */
  @Test
  void aCpuPeakIsMeasuredInTheRunsPrecision() {
    DevicePeak.Peak fp32 = DevicePeak.of(Device.cpu(), "fp32", false, null);
    assertThat(fp32.source()).isEqualTo("measured matmul, fp32");
    assertThat(fp32.flops()).isBetween(1e9, 1e14);
    // Cached: a second call measures nothing and answers the same.
    assertThat(DevicePeak.of(Device.cpu(), "fp32", false, null).flops()).isEqualTo(fp32.flops());
  }

  @Test
  void nvidiaSmiProcessMemoryIsSummedForThisProcessOnly() {
    String csv = "4242, 40960\n1717, 1000\n4242, 512\n[N/A], [N/A]\n";
    assertThat(NvidiaSmi.parseProcessMemory(csv, 4242))
        .isEqualTo(OptionalLong.of((40960L + 512) << 20));
    assertThat(NvidiaSmi.parseProcessMemory(csv, 99)).isEmpty();
    assertThat(NvidiaSmi.parseProcessMemory("", 4242)).isEmpty();
  }

  @Test
  void aCpuDevicesMemoryIsTheProcesssResidentMemory() {
    try (DeviceMemory m = DeviceMemory.watch(Device.cpu())) {
      assertThat(m.currentBytes()).isPositive();
      assertThat(m.peakBytes()).isGreaterThanOrEqualTo(m.currentBytes() / 2);
    }
  }

  /** The float32 matmul precision round-trips through libtorch's own context. */
  @Test
  void tf32SettingIsReadBackFromLibtorch() {
    assumeTrue(Tf32.available(), "libtorch's context is reachable only on Linux x86-64");
    Tf32.Precision before = Tf32.get();
    try {
      Tf32.set(Tf32.Precision.HIGH);
      assertThat(Tf32.get()).isEqualTo(Tf32.Precision.HIGH);
      Tf32.set(Tf32.Precision.HIGHEST);
      assertThat(Tf32.get()).isEqualTo(Tf32.Precision.HIGHEST);
    } finally {
      Tf32.set(before);
    }
  }
}
