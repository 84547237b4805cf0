package dev.anneal.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * What the studio tells a user whose machine has an NVIDIA GPU that the engine does not use, and
 * the choices it offers: DJL's CUDA build of libtorch (downloaded at the next start, when online),
 * or a libtorch or PyTorch folder already on the machine ({@code libtorch/}, {@code libtorch/lib/}
 * or a Python environment's {@code site-packages/torch/}). libtorch loads once per process, so a
 * choice takes effect at the next start. The same choices as {@code anneal engine use|fetch-cuda},
 * for the studio.
 */
public final class GpuSetup {
  private GpuSetup() {}

  /**
   * The one-line offer, or empty when there is nothing to offer: no NVIDIA GPU (no {@code
   * nvidia-smi} answer), or the engine already sees it.
   *
   * @param gpuName the GPU nvidia-smi names, if any
   */
  public static Optional<String> offer(EngineInfo info, Optional<String> gpuName) {
    if (gpuName.isEmpty() || info.gpus() > 0) return Optional.empty();
    return Optional.of(
        gpuName.get()
            + " found, but Anneal runs libtorch's CPU build: get CUDA"
            + " (DJL's CUDA libtorch, downloaded at the next start) or use a local libtorch or PyTorch folder.");
  }

  /** Chooses DJL's CUDA build for the next start; returns what to tell the user. */
  public static String chooseCuda(Path dataDir) throws IOException {
    new LibtorchChoice(LibtorchChoice.Kind.CUDA, null).save(dataDir);
    return "CUDA libtorch chosen: restart Anneal to download (once, online) and load it.";
  }

  /**
   * Chooses a local folder for the next start, after checking it holds libtorch.
   *
   * @throws IOException naming the folder and what it lacks
   */
  public static String chooseLocal(Path dataDir, Path folder) throws IOException {
    Path lib =
        libFolder(folder)
            .orElseThrow(
                () ->
                    new IOException(
                        folder
                            + " holds no "
                            + System.mapLibraryName("torch")
                            + " (looked in it, lib/ and torch/lib/): choose a libtorch"
                            + " folder or a PyTorch installation's torch folder."));
    new LibtorchChoice(LibtorchChoice.Kind.LOCAL, lib.toAbsolutePath()).save(dataDir);
    return "libtorch from "
        + lib
        + " chosen: restart Anneal to load it."
        + " Its version must match the JNI Anneal carries, or the engine says so at start.";
  }

  /** The folder holding libtorch's shared library: the folder itself, lib/, or torch/lib/. */
  static Optional<Path> libFolder(Path folder) {
    for (Path p :
        new Path[] {folder, folder.resolve("lib"), folder.resolve("torch").resolve("lib")}) {
      if (Files.isRegularFile(p.resolve(System.mapLibraryName("torch")))) return Optional.of(p);
    }
    return Optional.empty();
  }

  /**
   * A plain account of an engine that failed to start because DJL's JNI ({@code libdjl_torch}) and
   * the libtorch it loaded are different versions (missing or undefined symbols), or null when the
   * error is something else.
   */
  public static String explainJniMismatch(
      String error, String libtorchFolder, String jniTorchVersion) {
    if (error == null) return null;
    String e = error.toLowerCase(Locale.ROOT);
    boolean symbols =
        e.contains("undefined symbol")
            || e.contains("symbol lookup error")
            || (e.contains("djl_torch")
                && (e.contains("cannot open") || e.contains("unsatisfiedlink")));
    if (!symbols) return null;
    return "DJL's JNI (libdjl_torch) does not match the libtorch in "
        + libtorchFolder
        + ": choose a libtorch "
        + jniTorchVersion
        + " folder, or build DJL's JNI"
        + " against this libtorch and put libdjl_torch.so beside it; `anneal engine use cpu` goes back"
        + " to the bundled build.";
  }
}
