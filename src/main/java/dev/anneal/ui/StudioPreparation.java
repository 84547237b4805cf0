package dev.anneal.ui;

import dev.anneal.AppEnvironment;
import dev.anneal.StartupTrace;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.ui.task.FxTaskExecutor;
import dev.anneal.workspace.SampleWorkspace;
import dev.anneal.workspace.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What the studio's first frame needs from disk, read on a worker thread while JavaFX starts its
 * toolkit on the other core: the saved settings, the workspace they name (the sample workspace,
 * unpacked on a first start, when none), and the presets parsed once so that the Presets view, the
 * first one shown, finds the YAML parser warm.
 */
final class StudioPreparation {
  /** What {@link StudioApp} opens the window with. */
  record Prepared(Path settingsFile, StudioSettings settings, Workspace workspace) {}

  private static volatile CompletableFuture<Prepared> pending;

  /** The studio's executor, made before the toolkit starts so that the reading can use it. */
  private static volatile FxTaskExecutor tasks;

  private StudioPreparation() {}

  /** Starts reading on the studio's executor; call before the toolkit starts. */
  static void start() {
    FxTaskExecutor t = tasks();
    pending = t.supply("studio-prepare", () -> prepare(AppEnvironment.dataDir()));
  }

  /** The studio's one executor for background work, made by the first caller. */
  static synchronized FxTaskExecutor tasks() {
    if (tasks == null) tasks = new FxTaskExecutor();
    return tasks;
  }

  /** The result of {@link #start}, waiting for it; read here and now when nothing was started. */
  static Prepared take() throws IOException {
    CompletableFuture<Prepared> task = pending;
    pending = null;
    if (task == null) return prepare(AppEnvironment.dataDir());
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      if (e.getCause() instanceof UncheckedIOException io) throw io.getCause();
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the studio's settings", e);
    }
  }

  static Prepared prepare(Path dataDir) throws IOException {
    Path settingsFile = dataDir.resolve("studio.json");
    StudioSettings settings = StudioSettings.load(settingsFile);
    Workspace workspace =
        settings.workspace() != null && Files.isDirectory(Path.of(settings.workspace()))
            ? Workspace.open(Path.of(settings.workspace()))
            : SampleWorkspace.ensure(dataDir);
    StartupTrace.mark("settings and workspace read");
    try {
      new PresetRegistry(List.of(AppEnvironment.userPresetsDir(), workspace.presetsDir())).list();
    } catch (RuntimeException e) {
      // Only a warm-up: the Presets view reads them again and shows what is wrong with them.
    }
    StartupTrace.mark("presets parsed");
    return new Prepared(settingsFile, settings, workspace);
  }
}
