package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.pytorch.jni.LibUtils;
import dev.anneal.AppEnvironment;
import dev.anneal.task.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineStartupTest {
  @TempDir Path tmp;

  @Test
  void theBundledLayoutNamesTheFolderDjlReallyLoadsFrom() {
    AppEnvironment.configure();
    NativeLayout layout = NativeLayout.bundled(AppEnvironment.engineCacheDir());
    List<Progress> seen = new CopyOnWriteArrayList<>();
    EngineInfo info = EngineStartup.start(AppEnvironment.enginePlan(), seen::add);

    assertThat(info.error()).isNull();
    assertThat(Path.of(LibUtils.getLibtorchPath())).isEqualTo(layout.bundledFolder().toAbsolutePath());
    assertThat(NativeLayout.holdsLibtorch(layout.bundledFolder())).isTrue();
    // The jar's entry sizes add up to what DJL unpacked.
    assertThat(EngineStartup.bytesUnder(layout.bundledFolder())).isGreaterThanOrEqualTo(layout.bytes());
    assertThat(layout.bytes()).isGreaterThan(100_000_000L);
  }

  @Test
  void progressCountsTheBytesThatAppearAndStopsAtTheExpectedSize() throws IOException {
    Path cache = tmp.resolve("pytorch");
    assertThat(EngineStartup.bytesUnder(cache)).isZero();
    Files.createDirectories(cache.resolve("tmp123"));
    Files.write(cache.resolve("tmp123/libc10.so"), new byte[300]);
    Files.write(cache.resolve("tmp123/libtorch.so"), new byte[200]);
    assertThat(EngineStartup.bytesUnder(cache)).isEqualTo(500);

    EnginePlan plan = new EnginePlan(LibtorchChoice.BUNDLED_CPU, Map.of(), null, cache, "Unpacking", 800);
    Progress p = EngineStartup.progress(plan, 500);
    assertThat(p.fraction()).isEqualTo(500.0 / 800);
    assertThat(EngineStartup.progress(plan, 900).done()).isEqualTo(800);
    EnginePlan download = new EnginePlan(LibtorchChoice.BUNDLED_CPU, Map.of(), null, cache, "Downloading", -1);
    assertThat(EngineStartup.progress(download, 500).fraction()).isEqualTo(-1);
    assertThat(EngineStartup.progress(download, 500).counts()).containsEntry("bytes", 500L);
  }
}
