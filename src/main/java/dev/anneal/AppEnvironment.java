package dev.anneal;

import dev.anneal.engine.EnginePlan;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Settings every entry point needs, in one place: the app's data folder, DJL's offline mode and its
 * cache under that folder. JVM flags (native access) live in the pom's {@code anneal.jvm.flags} and
 * in the jar manifest.
 *
 * <p>Offline is the default: without it DJL probes the network at every engine start. Set {@code
 * ANNEAL_ONLINE=1} (or {@code -Danneal.online=true}) to let DJL and the tokenizer download.
 */
public final class AppEnvironment {
  private AppEnvironment() {}

  private static volatile EnginePlan enginePlan;

  /** The engine plan being worked out on a background thread (studio start), or null. */
  private static volatile Future<EnginePlan> pendingPlan;

  /** Applies the settings; call first thing in {@code main}. Safe to call twice. */
  public static void configure() {
    configureProperties();
    planEngine();
  }

  /**
   * The studio's start: the same settings, but the engine plan (glibc's malloc through the
   * foreign-function API, {@code engine.json}, the native jar's index: a few hundred ms of class
   * loading) is worked out on a background thread while JavaFX starts its toolkit on the other
   * core. {@link #enginePlan()} waits for it; nothing touches DJL before that.
   */
  public static void configureInBackground() {
    configureProperties();
    FutureTask<EnginePlan> task = new FutureTask<>(AppEnvironment::planEngine);
    pendingPlan = task;
    Thread t = new Thread(task, "engine-plan");
    t.setDaemon(true);
    t.start();
  }

  private static void configureProperties() {
    boolean online = isOnline();
    setIfAbsent("ai.djl.offline", Boolean.toString(!online));
    setIfAbsent("DJL_CACHE_DIR", dataDir().resolve("djl").toString());
    setIfAbsent("ENGINE_CACHE_DIR", dataDir().resolve("djl").toString());
    // DJL's engine logs through SLF4J; keep the CLI's stdout clean and stderr short.
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    // DJL probes for CUDA on every engine start and warns when there is none: not news on a CPU
    // box.
    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
  }

  private static EnginePlan planEngine() {
    // Before libtorch starts its threads: see NativeMemory.
    int arenas = Integer.getInteger("anneal.mallocArenas", 2);
    if (arenas > 0) dev.anneal.engine.NativeMemory.capArenas(arenas);
    if (Boolean.parseBoolean(System.getProperty("anneal.mallocKeep", "true"))) {
      dev.anneal.engine.NativeMemory.keepFreedMemory();
    }
    // Which libtorch DJL loads (bundled CPU, CUDA, a local folder): engine.json in the data folder.
    EnginePlan plan = EnginePlan.forDataFolder(dataDir(), engineCacheDir(), isOnline());
    plan.apply();
    enginePlan = plan;
    return plan;
  }

  /** How the engine finds libtorch in this process, as {@link #configure} decided. */
  public static EnginePlan enginePlan() {
    EnginePlan plan = enginePlan;
    if (plan != null) return plan;
    Future<EnginePlan> pending = pendingPlan;
    if (pending != null) {
      try {
        return pending.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "working out the engine plan failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the engine plan", e);
      }
    }
    return EnginePlan.forDataFolder(dataDir(), engineCacheDir(), isOnline());
  }

  /** DJL's engine cache ({@code ENGINE_CACHE_DIR}), under the data folder unless set otherwise. */
  public static Path engineCacheDir() {
    String dir = System.getProperty("ENGINE_CACHE_DIR", System.getenv("ENGINE_CACHE_DIR"));
    return dir != null && !dir.isBlank() ? Path.of(dir) : dataDir().resolve("djl");
  }

  /** Whether downloads (DJL natives, hub models) are allowed. */
  public static boolean isOnline() {
    String prop = System.getProperty("anneal.online");
    if (prop != null) return Boolean.parseBoolean(prop);
    String env = System.getenv("ANNEAL_ONLINE");
    return env != null && (env.equals("1") || env.equalsIgnoreCase("true"));
  }

  /**
   * The app's data folder: {@code -Danneal.home}, else {@code $ANNEAL_HOME}, else the platform's
   * place for application data ({@code ~/Library/Application Support/Anneal} on macOS, {@code
   * $XDG_DATA_HOME/anneal} or {@code ~/.local/share/anneal} elsewhere).
   */
  public static Path dataDir() {
    String prop = System.getProperty("anneal.home");
    if (prop != null && !prop.isBlank()) return Path.of(prop);
    String env = System.getenv("ANNEAL_HOME");
    if (env != null && !env.isBlank()) return Path.of(env);
    Path home = Path.of(System.getProperty("user.home"));
    String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
    if (os.contains("mac")) return home.resolve("Library/Application Support/Anneal");
    String xdg = System.getenv("XDG_DATA_HOME");
    return (xdg != null && !xdg.isBlank() ? Path.of(xdg) : home.resolve(".local/share"))
        .resolve("anneal");
  }

  /** Where the user's own presets live. */
  public static Path userPresetsDir() {
    return dataDir().resolve("presets");
  }

  /** The app's version from the jar manifest, or "dev" when run from classes. */
  public static String version() {
    String v = AppEnvironment.class.getPackage().getImplementationVersion();
    return v != null ? v : "dev";
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null && System.getenv(key) == null) {
      System.setProperty(key, value);
    }
  }
}
