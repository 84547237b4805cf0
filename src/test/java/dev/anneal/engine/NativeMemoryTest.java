package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@link NativeMemory#keepFreedMemory} changes, read back through glibc's mallinfo2. */
class NativeMemoryTest {
  /**
   * With glibc's defaults always mapped on its own: over the largest dynamic mmap threshold (32 MB)
   * and under the 64 MB of a thread arena's heap (a larger block than that is mapped whatever the
   * settings, when the thread's arena is not the main one).
   */
  private static final long BIG = 48L << 20;

  /** struct mallinfo2: ten size_t; arena (bytes from the system for heaps) is 0, hblks 4. */
  private static final StructLayout MALLINFO2 =
      MemoryLayout.structLayout(
          java.util.stream.IntStream.range(0, 10)
              .mapToObj(i -> ValueLayout.JAVA_LONG.withName("f" + i))
              .toArray(MemoryLayout[]::new));

  private static final Linker LINKER = Linker.nativeLinker();

  @Test
  void aLargeBlockComesFromTheHeap() throws Throwable {
    assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"));
    Optional<MemorySegment> mallinfo2 = LINKER.defaultLookup().find("mallinfo2");
    assumeTrue(mallinfo2.isPresent(), "glibc 2.33 or later");
    MethodHandle info = LINKER.downcallHandle(mallinfo2.get(), FunctionDescriptor.of(MALLINFO2));
    MethodHandle malloc =
        LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    MethodHandle free =
        LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    assertThat(NativeMemory.keepFreedMemory()).isTrue();
    try (Arena arena = Arena.ofConfined()) {
      long[] before = read(info, arena);
      MemorySegment block = (MemorySegment) malloc.invokeExact(BIG);
      assertThat(block.address()).isNotZero();
      long[] held = read(info, arena);
      free.invokeExact(block);
      // Not mapped on its own (glibc's default for a block this size) but carved from a heap.
      assertThat(held[4]).as("blocks mapped on their own").isEqualTo(before[4]);
      assertThat(held[0]).as("heap bytes").isGreaterThanOrEqualTo(before[0] + BIG);
    }
  }

  private static long[] read(MethodHandle info, Arena arena) throws Throwable {
    MemorySegment s = (MemorySegment) info.invokeExact((java.lang.foreign.SegmentAllocator) arena);
    long[] out = new long[10];
    for (int i = 0; i < 10; i++) out[i] = s.getAtIndex(ValueLayout.JAVA_LONG, i);
    return out;
  }
}
