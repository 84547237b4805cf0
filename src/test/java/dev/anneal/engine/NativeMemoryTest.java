package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import org.junit.jupiter.api.Test;

/** What {@link NativeMemory#keepFreedMemory} changes, read back from glibc's chunk header. */
class NativeMemoryTest {
  /**
   * With glibc's defaults always mapped on its own: over the largest dynamic mmap threshold (32 MB)
   * and under the 64 MB of a thread arena's heap (a larger block than that is mapped whatever the
   * settings, when the thread's arena is not the main one).
   */
  private static final long BIG = 48L << 20;

  private static final long IS_MMAPPED = 0x2;
  private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG;

  private static final Linker LINKER = Linker.nativeLinker();

  @Test
  void aLargeBlockComesFromTheHeap() throws Throwable {
    // glibc's own symbol: its chunk header is what the test reads (musl and others differ).
    assumeTrue(LINKER.defaultLookup().find("gnu_get_libc_version").isPresent(), "glibc");
    MethodHandle malloc =
        LINKER.downcallHandle(
            LINKER.defaultLookup().find("malloc").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
    MethodHandle free =
        LINKER.downcallHandle(
            LINKER.defaultLookup().find("free").orElseThrow(),
            FunctionDescriptor.ofVoid(ValueLayout.ADDRESS));

    assertThat(NativeMemory.keepFreedMemory()).isTrue();
    MemorySegment block = (MemorySegment) malloc.invokeExact(BIG);
    assertThat(block.address()).isNotZero();
    try {
      // glibc's chunk header, the word before the block: its size with flag bits, 0x2 set for a
      // block mapped on its own (glibc's default for one this size), clear for one from a heap.
      long size = MemorySegment.ofAddress(block.address() - 8).reinterpret(8).get(WORD, 0);
      assertThat(size & IS_MMAPPED).as("mapped on its own").isZero();
      assertThat(size & ~7L).isGreaterThanOrEqualTo(BIG);
    } finally {
      free.invokeExact(block);
    }
  }
}
