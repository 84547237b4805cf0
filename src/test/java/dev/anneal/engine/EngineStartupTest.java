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
    assertThat(Path.of(LibUtils.getLibtorchPath()))
        .isEqualTo(layout.bundledFolder().toAbsolutePath());
    assertThat(NativeLayout.holdsLibtorch(layout.bundledFolder())).isTrue();
    // The jar's entry sizes add up to what DJL unpacked.
    assertThat(EngineStartup.bytesUnder(layout.bundledFolder()))
        .isGreaterThanOrEqualTo(layout.bytes());
    assertThat(layout.bytes()).isGreaterThan(100_000_000L);
  }

  @Test
  void progressFollowsTheBytesAsTheyAreWrittenAndNeverGoesBack() {
    List<Progress> seen = new CopyOnWriteArrayList<>();
    // 8 chunks of 1 MB, 150 ms apart: the watcher, polling every 100 ms, sees the file grow.
    EngineInfo info =
        FakeUnpack.start(tmp.resolve("pytorch"), "Unpacking", 8, 1_000_000, 150, seen::add);
    assertThat(info.error()).isNull();
    List<Long> done = seen.stream().map(Progress::done).toList();
    assertThat(done.getLast()).isEqualTo(8_000_000L);
    assertThat(done.stream().filter(d -> d > 0 && d < 8_000_000L).distinct().count())
        .as("distinct partial figures in %s", done)
        .isGreaterThanOrEqualTo(2); // of 7 possible: a busy machine may starve the watcher a while
    for (int i = 1; i < done.size(); i++) {
      assertThat(done.get(i))
          .as("report %d of %s", i, done)
          .isGreaterThanOrEqualTo(done.get(i - 1));
    }
    assertThat(seen).allSatisfy(p -> assertThat(p.total()).isEqualTo(8_000_000L));
  }

  @Test
  void aCountAcrossAVanishingEntryKeepsWhatItCounted() throws IOException {
    Path cache = tmp.resolve("pytorch");
    Files.createDirectories(cache.resolve("done"));
    Files.write(cache.resolve("done/libc10.so"), new byte[700]);
    // A dangling link stands for an entry that vanished between listing and reading.
    Files.createSymbolicLink(cache.resolve("gone"), cache.resolve("nowhere"));
    assertThat(EngineStartup.bytesUnder(cache)).isEqualTo(700);
  }

  @Test
  void progressCountsTheBytesThatAppearAndStopsAtTheExpectedSize() throws IOException {
    Path cache = tmp.resolve("pytorch");
    assertThat(EngineStartup.bytesUnder(cache)).isZero();
    Files.createDirectories(cache.resolve("tmp123"));
    Files.write(cache.resolve("tmp123/libc10.so"), new byte[300]);
    Files.write(cache.resolve("tmp123/libtorch.so"), new byte[200]);
    assertThat(EngineStartup.bytesUnder(cache)).isEqualTo(500);

    EnginePlan plan =
        new EnginePlan(LibtorchChoice.BUNDLED_CPU, Map.of(), null, cache, "Unpacking", 800);
    Progress p = EngineStartup.progress(plan, 500);
    assertThat(p.fraction()).isEqualTo(500.0 / 800);
    assertThat(EngineStartup.progress(plan, 900).done()).isEqualTo(800);
    EnginePlan download =
        new EnginePlan(LibtorchChoice.BUNDLED_CPU, Map.of(), null, cache, "Downloading", -1);
    assertThat(EngineStartup.progress(download, 500).fraction()).isEqualTo(-1);
    assertThat(EngineStartup.progress(download, 500).counts()).containsEntry("bytes", 500L);
  }
}
