package dev.anneal.engine;

import ai.djl.engine.Engine;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
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

  /** The address of a mangled libtorch symbol, if this platform and build have it. */
  static Optional<MemorySegment> find(String mangledName) {
    return Lazy.TORCH.flatMap(l -> l.find(mangledName));
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
