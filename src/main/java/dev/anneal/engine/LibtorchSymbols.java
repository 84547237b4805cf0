package dev.anneal.engine;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * libtorch's own C++ entry points, for the few operators DJL's JNI does not reach ({@link
 * LibtorchCast}, {@link FusedAdamW}). Calls into them follow the x86-64 System V C++ ABI, so only
 * Linux x86-64 qualifies; elsewhere every lookup is empty and callers take DJL's path.
 *
 * <p>Every call takes the same steps, kept here once in {@link Downcall}: link the mangled symbol
 * on first use, allocate the caller-owned slot a returned {@code at::Tensor} is built in, invoke,
 * let Java errors through and wrap what libtorch's side threw in one line naming the operator, and
 * hand the result to DJL.
 */
final class LibtorchSymbols {
  private LibtorchSymbols() {}

  /**
   * {@code std::optional<at::Tensor>} as libstdc++ lays it out: the Tensor's one field (its
   * TensorImpl pointer), then the engaged flag, padded to 16 bytes. Passed by reference.
   */
  static final StructLayout OPTIONAL_TENSOR =
      MemoryLayout.structLayout(
          ValueLayout.ADDRESS.withName("impl"),
          ValueLayout.JAVA_BOOLEAN.withName("engaged"),
          MemoryLayout.paddingLayout(7));

  /**
   * The body of one native call: {@code handle} is the linked symbol, {@code arena} lives for the
   * call. Write {@code invokeExact} of a void function as a statement in a block body: only a
   * statement links it as returning void, its real type.
   */
  @FunctionalInterface
  interface Invocation<T> {
    T invoke(MethodHandle handle, Arena arena) throws Throwable;
  }

  /**
   * A call that builds its returned {@code at::Tensor} in {@code result} (the hidden first
   * argument).
   */
  @FunctionalInterface
  interface TensorInvocation {
    void invoke(MethodHandle handle, MemorySegment result, Arena arena) throws Throwable;
  }

  /**
   * One libtorch function, named for errors by {@code operator} ("libtorch's to_dtype"), linked on
   * first use (so declaring one loads nothing), empty where {@link #find} finds no symbol.
   */
  static Downcall downcall(String operator, String mangledName, FunctionDescriptor descriptor) {
    return new Downcall(operator, mangledName, descriptor);
  }

  /** See {@link #downcall}. Thread-safe: the link happens once. */
  static final class Downcall {
    private final String operator;
    private final String mangledName;
    private final FunctionDescriptor descriptor;
    private volatile Optional<MethodHandle> handle;

    private Downcall(String operator, String mangledName, FunctionDescriptor descriptor) {
      this.operator = operator;
      this.mangledName = mangledName;
      this.descriptor = descriptor;
    }

    /** True where the symbol was found (Linux x86-64, libtorch loaded, a build that has it). */
    boolean available() {
      return linked().isPresent();
    }

    /** Runs {@code body} on the linked symbol; libtorch-side failures become one line naming it. */
    <T> T call(Invocation<T> body) {
      MethodHandle h =
          linked()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          operator
                              + " needs Linux x86-64 with libtorch loaded; not found in this process"));
      try (Arena arena = Arena.ofConfined()) {
        return body.invoke(h, arena);
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(operator + " failed: " + e.getMessage(), e);
      }
    }

    /** Runs a call that returns an {@code at::Tensor}; the result is owned by {@code into}. */
    NDArray callForTensor(NDManager into, TensorInvocation body) {
      MemorySegment result = tensorSlot();
      call(
          (h, arena) -> {
            body.invoke(h, result, arena);
            return null;
          });
      return wrap(result, into);
    }

    private Optional<MethodHandle> linked() {
      Optional<MethodHandle> h = handle;
      if (h == null) {
        synchronized (this) {
          h = handle;
          if (h == null) {
            h = find(mangledName).map(a -> Linker.nativeLinker().downcallHandle(a, descriptor));
            handle = h;
          }
        }
      }
      return h;
    }
  }

  /**
   * An empty {@code optional<Tensor>} (all zero bytes: not engaged), valid while {@code arena} is.
   */
  static MemorySegment noTensor(Arena arena) {
    return arena.allocate(OPTIONAL_TENSOR);
  }

  /** {@code optional<Tensor>} holding {@code a} (borrowed for the call), or empty when null. */
  static MemorySegment optionalTensor(Arena arena, NDArray a) {
    MemorySegment o = noTensor(arena);
    if (a != null) {
      o.set(
          ValueLayout.ADDRESS,
          OPTIONAL_TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("impl")),
          tensorImpl(a));
      o.set(
          ValueLayout.JAVA_BOOLEAN,
          OPTIONAL_TENSOR.byteOffset(MemoryLayout.PathElement.groupElement("engaged")),
          true);
    }
    return o;
  }

  /** Resolved on first use, after libtorch is loaded (class holder idiom: thread-safe, once). */
  private static final class Lazy {
    static final Optional<SymbolLookup> TORCH = open();
  }

  private static final Optional<MethodHandle> MALLOC =
      Linker.nativeLinker()
          .defaultLookup()
          .find("malloc")
          .map(
              a ->
                  Linker.nativeLinker()
                      .downcallHandle(
                          a, FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)));

  /**
   * Room for one {@code at::Tensor} (a single TensorImpl pointer) that a libtorch function can
   * construct its result in, as the hidden first argument the C++ ABI passes for a returned Tensor.
   * It comes from malloc, so DJL's {@code delete} of the handle frees it like its own.
   */
  private static MemorySegment tensorSlot() {
    try {
      MemorySegment slot = (MemorySegment) MALLOC.orElseThrow().invokeExact(8L);
      if (slot.equals(MemorySegment.NULL)) throw new OutOfMemoryError("malloc(8) failed");
      return slot;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("malloc failed", e);
    }
  }

  /** A tensor constructed in {@link #tensorSlot()} as a DJL array owned by {@code manager}. */
  private static NDArray wrap(MemorySegment slot, NDManager manager) {
    return new PtNDArray((PtNDManager) manager, slot.address());
  }

  /** The {@code at::Tensor} a DJL array's handle points to, to pass as {@code const Tensor&}. */
  static MemorySegment tensorRef(NDArray a) {
    return MemorySegment.ofAddress(((PtNDArray) a).getHandle());
  }

  /**
   * The TensorImpl* inside that at::Tensor (its one field), to place in a TensorList or optional.
   */
  static MemorySegment tensorImpl(NDArray a) {
    return tensorRef(a).reinterpret(ValueLayout.ADDRESS.byteSize()).get(ValueLayout.ADDRESS, 0);
  }

  /** The address of a mangled libtorch symbol, if this platform and build have it. */
  private static Optional<MemorySegment> find(String mangledName) {
    return Lazy.TORCH.flatMap(l -> l.find(mangledName));
  }

  /** A plain C symbol of another loaded libtorch library ({@code libc10.so} ...), if present. */
  static Optional<MemorySegment> findIn(String libraryFileName, String symbol) {
    if (Lazy.TORCH.isEmpty()) return Optional.empty(); // not Linux x86-64, or libtorch not loaded
    return loadedLibrary(libraryFileName)
        .flatMap(p -> SymbolLookup.libraryLookup(p, Arena.global()).find(symbol));
  }

  private static Optional<SymbolLookup> open() {
    String os = System.getProperty("os.name", "").toLowerCase();
    String arch = System.getProperty("os.arch", "");
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64")))
      return Optional.empty();
    try {
      Engine.getEngine("PyTorch"); // loads libtorch if nothing has yet
      // dlopen of a library already loaded returns the same handle: no second copy of libtorch.
      return loadedLibrary("libtorch_cpu.so")
          .map(p -> SymbolLookup.libraryLookup(p, Arena.global()));
    } catch (RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** The path of a shared library this process has mapped, from /proc/self/maps. */
  private static Optional<Path> loadedLibrary(String fileName) {
    try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines
          .map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.endsWith("/" + fileName))
          .findFirst()
          .map(Path::of);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
