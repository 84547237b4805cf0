package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginePlanTest {
  private static final String LINUX = "Linux";
  @TempDir Path tmp;

  private NativeLayout layout() {
    return new NativeLayout(
        tmp.resolve("djl/pytorch"), "2.7.1-20250812", "cpu", "linux-x86_64", 1000);
  }

  private static void libtorchIn(Path folder) throws IOException {
    Files.createDirectories(folder);
    Files.write(folder.resolve(System.mapLibraryName("torch")), new byte[10]);
  }

  @Test
  void bundledCpuUnpacksOnTheFirstStartOnly() throws IOException {
    EnginePlan first = EnginePlan.of(LibtorchChoice.BUNDLED_CPU, layout(), false, LINUX);
    assertThat(first.firstStart()).isTrue();
    assertThat(first.properties()).isEmpty();
    assertThat(first.expectedBytes()).isEqualTo(1000);
    assertThat(first.notice()).isNull();

    libtorchIn(layout().bundledFolder());
    EnginePlan warm = EnginePlan.of(LibtorchChoice.BUNDLED_CPU, layout(), false, LINUX);
    assertThat(warm.firstStart()).isFalse();
  }

  @Test
  void cudaOfflineWithoutADownloadFallsBackToCpuAndSaysHowToGetIt() {
    EnginePlan plan =
        EnginePlan.of(new LibtorchChoice(LibtorchChoice.Kind.CUDA, null), layout(), false, LINUX);
    assertThat(plan.properties()).isEmpty();
    assertThat(plan.notice())
        .contains(
            "offline",
            "anneal engine fetch-cuda",
            "anneal engine use local",
            "2.7.1-cu128-linux-x86_64");
  }

  @Test
  void cudaOnlineDownloadsThroughDjlAndWatchesTheCache() {
    EnginePlan plan =
        EnginePlan.of(new LibtorchChoice(LibtorchChoice.Kind.CUDA, null), layout(), true, LINUX);
    assertThat(plan.properties())
        .containsEntry("PYTORCH_VERSION", "2.7.1")
        .containsEntry("PYTORCH_FLAVOR", "cu128");
    assertThat(plan.firstStart()).isTrue();
    assertThat(plan.watch()).isEqualTo(layout().cacheDir());
    assertThat(plan.stage()).startsWith("Downloading CUDA libtorch 2.7.1");
  }

  @Test
  void aCachedCudaBuildLoadsOffline() throws IOException {
    libtorchIn(layout().cudaFolder());
    EnginePlan plan =
        EnginePlan.of(new LibtorchChoice(LibtorchChoice.Kind.CUDA, null), layout(), false, LINUX);
    assertThat(plan.properties()).containsEntry("PYTORCH_FLAVOR", "cu128");
    assertThat(plan.notice()).isNull();
    assertThat(plan.firstStart()).isFalse();
  }

  @Test
  void cudaOnMacSaysThereIsNone() {
    EnginePlan plan =
        EnginePlan.of(
            new LibtorchChoice(LibtorchChoice.Kind.CUDA, null), layout(), true, "Mac OS X");
    assertThat(plan.properties()).isEmpty();
    assertThat(plan.notice()).contains("no CUDA on macOS", "MPS");
  }

  @Test
  void aLocalLibtorchZipIsFoundInItsLibFolderAndItsFlavourRead() throws IOException {
    Path root = tmp.resolve("libtorch");
    libtorchIn(root.resolve("lib"));
    Files.write(root.resolve("lib").resolve(System.mapLibraryName("torch_cuda")), new byte[1]);
    Files.writeString(root.resolve("build-version"), "2.7.1+cu128\n");
    EnginePlan plan =
        EnginePlan.of(new LibtorchChoice(LibtorchChoice.Kind.LOCAL, root), layout(), false, LINUX);
    assertThat(plan.properties())
        .containsEntry("PYTORCH_LIBRARY_PATH", root.resolve("lib").toAbsolutePath().toString())
        .containsEntry("PYTORCH_FLAVOR", "cu128");
    assertThat(plan.notice()).isNull();
  }

  @Test
  void aLocalLibtorchOfAnotherVersionIsUsedWithAWarning() throws IOException {
    Path root = tmp.resolve("libtorch");
    libtorchIn(root.resolve("lib"));
    Files.writeString(root.resolve("build-version"), "2.5.1+cpu\n");
    EnginePlan plan =
        EnginePlan.of(new LibtorchChoice(LibtorchChoice.Kind.LOCAL, root), layout(), false, LINUX);
    assertThat(plan.properties()).containsEntry("PYTORCH_FLAVOR", "cpu");
    assertThat(plan.notice()).contains("2.5.1+cpu", "built for 2.7.1");
  }

  @Test
  void aLocalFolderWithoutLibtorchFallsBackAndNamesTheFolder() {
    Path empty = tmp.resolve("nothing-here");
    EnginePlan plan =
        EnginePlan.of(new LibtorchChoice(LibtorchChoice.Kind.LOCAL, empty), layout(), true, LINUX);
    assertThat(plan.properties()).isEmpty();
    assertThat(plan.notice()).contains(empty.toString(), "holds no", "bundled CPU build");
  }

  @Test
  void theChoiceRoundTripsThroughEngineJsonAndABadFileIsNamed() throws IOException {
    LibtorchChoice local = new LibtorchChoice(LibtorchChoice.Kind.LOCAL, tmp.resolve("lt"));
    local.save(tmp);
    assertThat(LibtorchChoice.load(tmp))
        .isEqualTo(
            new LibtorchChoice(LibtorchChoice.Kind.LOCAL, tmp.resolve("lt").toAbsolutePath()));
    assertThat(LibtorchChoice.load(tmp.resolve("none"))).isEqualTo(LibtorchChoice.BUNDLED_CPU);

    Files.writeString(tmp.resolve(LibtorchChoice.FILE), "{\"libtorch\": \"tpu\"}");
    assertThatThrownBy(() -> LibtorchChoice.load(tmp))
        .hasMessageContaining(LibtorchChoice.FILE)
        .hasMessageContaining("cpu, cuda or local");
    EnginePlan plan = EnginePlan.forDataFolder(tmp, tmp.resolve("djl"), false);
    assertThat(plan.choice()).isEqualTo(LibtorchChoice.BUNDLED_CPU);
    assertThat(plan.notice()).contains(LibtorchChoice.FILE, "bundled CPU build");
  }
}
