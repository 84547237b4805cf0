package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuSetupTest {
  private static final EngineInfo CPU_ONLY = new EngineInfo("2.7.1", List.of("cpu"), 0, 2, null);

  @Test
  void anNvidiaGpuTheEngineDoesNotUseIsOfferedCuda() {
    assertThat(GpuSetup.offer(CPU_ONLY, Optional.of("NVIDIA H200")))
        .get()
        .asString()
        .startsWith("NVIDIA H200 found, but Anneal runs libtorch's CPU build");
    assertThat(GpuSetup.offer(CPU_ONLY, Optional.empty())).isEmpty();
    EngineInfo cuda = new EngineInfo("2.7.1", List.of("cpu", "gpu(0)"), 1, 2, null);
    assertThat(GpuSetup.offer(cuda, Optional.of("NVIDIA H200"))).isEmpty();
  }

  @Test
  void choicesAreSavedForTheNextStart(@TempDir Path dir) throws IOException {
    assertThat(GpuSetup.chooseCuda(dir)).contains("restart Anneal");
    assertThat(LibtorchChoice.load(dir).kind()).isEqualTo(LibtorchChoice.Kind.CUDA);

    // A Python environment's torch package: its libraries are in torch/lib.
    Path sitePackages = dir.resolve("site-packages");
    Path lib = Files.createDirectories(sitePackages.resolve("torch").resolve("lib"));
    Files.writeString(lib.resolve(System.mapLibraryName("torch")), "");
    assertThat(GpuSetup.chooseLocal(dir, sitePackages)).contains(lib.toString());
    LibtorchChoice local = LibtorchChoice.load(dir);
    assertThat(local.kind()).isEqualTo(LibtorchChoice.Kind.LOCAL);
    assertThat(local.folder()).isEqualTo(lib.toAbsolutePath());
  }

  @Test
  void aFolderWithoutLibtorchIsRefusedByName(@TempDir Path dir) {
    assertThatThrownBy(() -> GpuSetup.chooseLocal(dir, dir.resolve("empty")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.resolve("empty").toString())
        .hasMessageContaining("holds no " + System.mapLibraryName("torch"));
  }

  @Test
  void aJniBuiltForAnotherLibtorchIsExplained() {
    String error =
        "PyTorch engine unavailable: /x/libdjl_torch.so: undefined symbol: _ZN2at4_ops5zeros4callE";
    assertThat(GpuSetup.explainJniMismatch(error, "/opt/torch/lib", "2.7.1"))
        .startsWith("DJL's JNI (libdjl_torch) does not match the libtorch in /opt/torch/lib")
        .contains("libtorch 2.7.1 folder")
        .contains("anneal engine use cpu");
    assertThat(
            GpuSetup.explainJniMismatch("PyTorch engine unavailable: out of disk", "/x", "2.7.1"))
        .isNull();
    assertThat(GpuSetup.explainJniMismatch(null, "/x", "2.7.1")).isNull();
  }
}
