package dev.anneal.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the next engine start will find libtorch, decided before DJL runs: the system properties that
 * steer DJL's {@code LibUtils} ({@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION}, {@code
 * PYTORCH_FLAVOR}), whether that start unpacks or downloads natives (a folder to watch for
 * progress), and a plain message when the user's choice cannot be honoured.
 *
 * @param choice what the user asked for
 * @param properties DJL settings to apply; empty for the bundled CPU build
 * @param notice why the choice falls back to the bundled CPU build (or what to expect), or null
 * @param watch the folder that grows while natives unpack or download, or null on a warm start
 * @param stage what the growth is ("Unpacking libtorch", "Downloading CUDA libtorch")
 * @param expectedBytes size the watched folder grows by, or -1 when unknown (downloads)
 */
public record EnginePlan(
    LibtorchChoice choice,
    Map<String, String> properties,
    String notice,
    Path watch,
    String stage,
    long expectedBytes) {

  public EnginePlan {
    properties = Map.copyOf(properties);
  }

  /** Whether the engine's next start has natives to unpack or download first. */
  public boolean firstStart() {
    return watch != null;
  }

  /**
   * The plan for the choice saved in {@code dataDir}, with DJL's engine cache at {@code cacheRoot}.
   * Never throws: an unreadable setting or a missing native jar becomes the plan's notice.
   */
  public static EnginePlan forDataFolder(Path dataDir, Path cacheRoot, boolean online) {
    LibtorchChoice choice = LibtorchChoice.BUNDLED_CPU;
    String problem = null;
    try {
      choice = LibtorchChoice.load(dataDir);
    } catch (IOException e) {
      problem = e.getMessage() + " Using the bundled CPU build.";
    }
    try {
      EnginePlan plan =
          of(choice, NativeLayout.bundled(cacheRoot), online, System.getProperty("os.name", ""));
      return problem == null
          ? plan
          : new EnginePlan(
              choice, plan.properties(), problem, plan.watch(), plan.stage(), plan.expectedBytes());
    } catch (IllegalStateException e) {
      return new EnginePlan(choice, Map.of(), e.getMessage(), null, "", -1);
    }
  }

  /**
   * The plan for {@code choice}. {@code online}: whether downloads are allowed; {@code os}: the
   * value of {@code os.name}.
   */
  public static EnginePlan of(
      LibtorchChoice choice, NativeLayout layout, boolean online, String os) {
    return switch (choice.kind()) {
      case CPU -> bundled(choice, layout, null);
      case CUDA -> cuda(choice, layout, online, os);
      case LOCAL -> local(choice, layout);
    };
  }

  private static EnginePlan bundled(LibtorchChoice choice, NativeLayout layout, String notice) {
    boolean unpacked = NativeLayout.holdsLibtorch(layout.bundledFolder());
    return new EnginePlan(
        choice,
        Map.of(),
        notice,
        unpacked ? null : layout.cacheDir(),
        "Unpacking libtorch " + layout.torchVersion(),
        layout.bytes());
  }

  private static EnginePlan cuda(
      LibtorchChoice choice, NativeLayout layout, boolean online, String os) {
    String name = "CUDA libtorch " + layout.torchVersion() + " (" + NativeLayout.CUDA_FLAVOR + ")";
    if (os.toLowerCase(Locale.ROOT).contains("mac")) {
      return bundled(
          choice,
          layout,
          "There is no CUDA on macOS: using the bundled build (Apple GPUs " + "through MPS).");
    }
    Map<String, String> props =
        Map.of(
            "PYTORCH_VERSION", layout.torchVersion(), "PYTORCH_FLAVOR", NativeLayout.CUDA_FLAVOR);
    if (NativeLayout.holdsLibtorch(layout.cudaFolder())) {
      return new EnginePlan(choice, props, null, null, name, -1);
    }
    if (!online) {
      return bundled(
          choice,
          layout,
          name
              + " is not downloaded ("
              + layout.cudaFolder()
              + ") and Anneal is offline: run `anneal engine fetch-cuda` (it goes online for the"
              + " download), or point at a libtorch folder with `anneal engine use local DIR`."
              + " Using the bundled CPU build.");
    }
    return new EnginePlan(choice, props, null, layout.cacheDir(), "Downloading " + name, -1);
  }

  private static EnginePlan local(LibtorchChoice choice, NativeLayout layout) {
    Path folder = choice.folder();
    Path lib =
        NativeLayout.holdsLibtorch(folder)
            ? folder
            : NativeLayout.holdsLibtorch(folder.resolve("lib")) ? folder.resolve("lib") : null;
    if (lib == null) {
      return bundled(
          choice,
          layout,
          folder
              + " holds no "
              + System.mapLibraryName("torch")
              + " (nor lib/"
              + System.mapLibraryName("torch")
              + "): using the bundled CPU build."
              + " Unzip a libtorch "
              + layout.torchVersion()
              + " there, or choose another folder.");
    }
    Map<String, String> props = new LinkedHashMap<>();
    props.put("PYTORCH_LIBRARY_PATH", lib.toAbsolutePath().toString());
    boolean cuda = Files.isRegularFile(lib.resolve(System.mapLibraryName("torch_cuda")));
    props.put("PYTORCH_FLAVOR", cuda ? NativeLayout.CUDA_FLAVOR : "cpu");
    String notice = null;
    String built =
        buildVersion(lib.getParent() != null && lib.endsWith("lib") ? lib.getParent() : lib);
    if (built != null && !built.startsWith(layout.torchVersion())) {
      notice =
          folder
              + " is libtorch "
              + built
              + ", but this Anneal's JNI is built for "
              + layout.torchVersion()
              + ": DJL downloads a matching JNI when online, and fails offline.";
    }
    return new EnginePlan(choice, props, notice, null, "libtorch from " + lib, -1);
  }

  /** The {@code build-version} file a libtorch zip carries ("2.7.1+cu128"), or null. */
  private static String buildVersion(Path root) {
    try {
      Path f = root.resolve("build-version");
      return Files.isRegularFile(f) ? Files.readString(f).strip() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /** Sets the DJL properties that the user has not already set in the environment or with -D. */
  public void apply() {
    properties.forEach(
        (k, v) -> {
          if (System.getProperty(k) == null && System.getenv(k) == null) System.setProperty(k, v);
        });
  }
}
