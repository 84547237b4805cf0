package dev.anneal.engine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Keeps glibc's heap from growing under libtorch. Each thread that allocates gets its own malloc
 * arena, and freed blocks stay in them: a training process's resident memory then creeps up step
 * after step although nothing leaks (the arrays DJL manages stay constant). Capping the arenas and
 * trimming free memory back to the system now and then holds it flat. Calls glibc through the
 * foreign-function API; elsewhere (macOS, musl) it does nothing.
 */
public final class NativeMemory {
  private static final int M_ARENA_MAX = -8;
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
    MALLOPT.ifPresent(
        h -> {
          try {
            int ignored = (int) h.invokeExact(M_ARENA_MAX, arenas);
          } catch (Throwable e) {
            // best effort: memory use is then only higher
          }
        });
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
