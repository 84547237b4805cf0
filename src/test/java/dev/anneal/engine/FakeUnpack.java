package dev.anneal.engine;

import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An engine start that unpacks the way DJL does, without libtorch: a file written in chunks into a
 * temporary folder of the cache, which then moves into place. For the progress watcher's tests.
 */
public final class FakeUnpack {
  private FakeUnpack() {}

  /**
   * Runs {@link EngineStartup} over a fake unpack of {@code chunks} × {@code chunkBytes} into
   * {@code cache}.
   */
  public static EngineInfo start(
      Path cache,
      String stage,
      int chunks,
      int chunkBytes,
      long pauseMs,
      ProgressListener listener) {
    EnginePlan plan =
        new EnginePlan(
            LibtorchChoice.BUNDLED_CPU,
            java.util.Map.of(),
            null,
            cache,
            stage,
            (long) chunks * chunkBytes);
    return EngineStartup.start(
        plan,
        listener,
        () -> {
          try {
            Files.createDirectories(cache);
            Path tmp = Files.createTempDirectory(cache, "tmp");
            try (OutputStream out = Files.newOutputStream(tmp.resolve("libtorch_cpu.so"))) {
              for (int i = 0; i < chunks; i++) {
                out.write(new byte[chunkBytes]);
                out.flush();
                Thread.sleep(pauseMs);
              }
            }
            Files.move(tmp, cache.resolve("2.7.1-cpu-linux-x86_64"));
            return new EngineInfo("2.7.1", List.of("cpu"), 0, 2, null);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }
}
