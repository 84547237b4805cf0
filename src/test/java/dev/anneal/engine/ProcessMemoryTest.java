package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessMemoryTest {
  @Test
  void touchingFreshMemoryCountsItsPageFaults() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux");
    long before = ProcessMemory.minorFaults();
    assertThat(before).isPositive(); // a JVM has touched many pages by now
    ByteBuffer fresh = ByteBuffer.allocateDirect(64 << 20);
    for (int i = 0; i < fresh.capacity(); i += 4096) fresh.put(i, (byte) 1);
    // 16,384 pages of 4 KB, or 32 where transparent huge pages back them with 2 MB ones.
    assertThat(ProcessMemory.minorFaults() - before).isGreaterThanOrEqualTo(32);
  }
}
