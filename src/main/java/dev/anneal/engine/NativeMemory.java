package dev.anneal.engine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * glibc's heap under libtorch: fast and flat. Each thread that allocates gets its own malloc arena,
 * and freed blocks stay in them: a training process's resident memory then creeps up step after
 * step although nothing leaks (the arrays DJL manages stay constant). Capping the arenas and
 * trimming free memory back to the system now and then holds it flat, while between trims what a
 * step frees is kept for the next one ({@link #keepFreedMemory}) instead of being unmapped and
 * faulted in again. Calls glibc through the foreign-function API; elsewhere (macOS, musl) it does
 * nothing. {@code -Danneal.mallocArenas=0} and {@code -Danneal.mallocKeep=false} leave glibc's own
 * settings, for comparisons.
 */
public final class NativeMemory {
  private static final int M_TRIM_THRESHOLD = -1;
  private static final int M_TOP_PAD = -2;
  private static final int M_MMAP_MAX = -4;
  private static final int M_ARENA_MAX = -8;

  /** Over the 64 MB of one heap of a thread's arena (glibc's limit on 64-bit systems). */
  private static final int TOP_PAD = 256 << 20;

  private static final Optional<MethodHandle> MALLOPT =
      glibc(
          "mallopt",
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
  private static final Optional<MethodHandle> MALLOC_TRIM =
      glibc("malloc_trim", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG));

  private NativeMemory() {}

  private static Optional<MethodHandle> glibc(String name, FunctionDescriptor fd) {
    try {
      Linker linker = Linker.nativeLinker();
      return linker
          .defaultLookup()
          .find(name)
          .or(() -> SymbolLookup.loaderLookup().find(name))
          .map(addr -> linker.downcallHandle(addr, fd));
    } catch (RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** Caps malloc arenas (as MALLOC_ARENA_MAX does); call before heavy native work starts. */
  public static void capArenas(int arenas) {
    mallopt(M_ARENA_MAX, arenas);
  }

  /**
   * Keeps what libtorch frees in glibc's heap for the next step, as {@code ./anneal}'s {@code
   * GLIBC_TUNABLES} do for a source build, but from inside the process, so that the installed
   * launcher, which cannot set glibc's environment, gets it too. With glibc's defaults a step's
   * large tensors are fresh pages, zeroed and faulted in again every step:
   *
   * <ul>
   *   <li>a block over the mmap threshold (128 KB, rising to 32 MB as blocks are freed) is mapped
   *       on its own and unmapped when freed: {@code M_MMAP_MAX} 0 takes every block from the heap;
   *   <li>a free top of the heap over the trim threshold is given back: {@code M_TRIM_THRESHOLD} as
   *       high as mallopt's int goes;
   *   <li>a thread's own arena (the JVM's threads have theirs before any of this runs) grows by 64
   *       MB heaps and unmaps one as soon as it is empty, whatever the trim threshold: a top pad
   *       over a heap's size keeps them. It reserves address space only; pages count once touched.
   * </ul>
   *
   * glibc reads these parameters at each allocation and free, so setting them after start works.
   * Resident memory is then held by {@link NativeTrim}'s occasional trim. Call before heavy native
   * work starts.
   *
   * @return whether glibc took all three (false elsewhere: macOS, musl, Windows)
   */
  public static boolean keepFreedMemory() {
    return mallopt(M_MMAP_MAX, 0)
        & mallopt(M_TRIM_THRESHOLD, Integer.MAX_VALUE)
        & mallopt(M_TOP_PAD, TOP_PAD);
  }

  /** glibc's mallopt; true where it took the value. */
  private static boolean mallopt(int param, int value) {
    if (MALLOPT.isEmpty()) return false;
    try {
      return (int) MALLOPT.get().invokeExact(param, value) == 1;
    } catch (Throwable e) {
      return false; // best effort: memory use or speed are then only as with glibc's defaults
    }
  }

  /** Returns free heap memory to the system; cheap enough to call every few dozen steps. */
  public static void trim() {
    MALLOC_TRIM.ifPresent(
        h -> {
          try {
            int ignored = (int) h.invokeExact(0L);
          } catch (Throwable e) {
            // best effort
          }
        });
  }
}
