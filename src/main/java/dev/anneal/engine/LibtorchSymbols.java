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
import java.lang.foreign.MemorySegment;
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
 */
final class LibtorchSymbols {
  private LibtorchSymbols() {}

  /** Resolved on first use, after libtorch is loaded (class holder idiom: thread-safe, once). */
  private static final class Lazy {
    static final Optional<SymbolLookup> TORCH = open();
  }

  private static final Optional<MethodHandle> MALLOC = Linker.nativeLinker().defaultLookup()
      .find("malloc").map(a -> Linker.nativeLinker().downcallHandle(a,
          FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.JAVA_LONG)));

  /**
   * Room for one {@code at::Tensor} (a single TensorImpl pointer) that a libtorch function can
   * construct its result in, as the hidden first argument the C++ ABI passes for a returned
   * Tensor. It comes from malloc, so DJL's {@code delete} of the handle frees it like its own.
   */
  static MemorySegment tensorSlot() {
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
  static NDArray wrap(MemorySegment slot, NDManager manager) {
    return new PtNDArray((PtNDManager) manager, slot.address());
  }

  /** The {@code at::Tensor} a DJL array's handle points to, to pass as {@code const Tensor&}. */
  static MemorySegment tensorRef(NDArray a) {
    return MemorySegment.ofAddress(((PtNDArray) a).getHandle());
  }

  /** The TensorImpl* inside that at::Tensor (its one field), to place in a TensorList or optional. */
  static MemorySegment tensorImpl(NDArray a) {
    return tensorRef(a).reinterpret(ValueLayout.ADDRESS.byteSize()).get(ValueLayout.ADDRESS, 0);
  }

  /** The address of a mangled libtorch symbol, if this platform and build have it. */
  static Optional<MemorySegment> find(String mangledName) {
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
    if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) return Optional.empty();
    try {
      Engine.getEngine("PyTorch"); // loads libtorch if nothing has yet
      // dlopen of a library already loaded returns the same handle: no second copy of libtorch.
      return loadedLibrary("libtorch_cpu.so").map(p -> SymbolLookup.libraryLookup(p, Arena.global()));
    } catch (RuntimeException | LinkageError e) {
      return Optional.empty();
    }
  }

  /** The path of a shared library this process has mapped, from /proc/self/maps. */
  private static Optional<Path> loadedLibrary(String fileName) {
    try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
      return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1))
          .filter(p -> p.endsWith("/" + fileName)).findFirst().map(Path::of);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
