package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.engine.LibtorchChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineCommandTest {
  @TempDir Path tmp;

  @AfterEach
  void backToTheBundledBuild() throws IOException {
    Files.deleteIfExists(AppEnvironment.dataDir().resolve(LibtorchChoice.FILE));
  }

  @Test
  void useLocalSavesTheFolderAndRefusesOneWithoutLibtorch() throws IOException {
    Path lib = Files.createDirectories(tmp.resolve("libtorch/lib"));
    Files.write(lib.resolve(System.mapLibraryName("torch")), new byte[1]);
    CliTest.Result ok = CliTest.run("engine", "use", "local", tmp.resolve("libtorch").toString());
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("Saved", "local " + tmp.resolve("libtorch"));
    assertThat(LibtorchChoice.load(AppEnvironment.dataDir()).kind())
        .isEqualTo(LibtorchChoice.Kind.LOCAL);

    CliTest.Result bad = CliTest.run("engine", "use", "local", tmp.toString());
    assertThat(bad.code()).isNotZero();
    assertThat(bad.err()).startsWith("anneal: " + tmp).contains("holds no");
  }

  @Test
  void useCudaOfflineSaysHowToGetIt() {
    CliTest.Result r = CliTest.run("engine", "use", "cuda");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Saved", "offline", "anneal engine fetch-cuda");
    assertThat(CliTest.run("engine", "use", "tpu").err())
        .contains("'tpu' is not cpu, cuda or local");
  }

  @Test
  void statusStartsTheBundledEngine() {
    CliTest.Result r = CliTest.run("engine", "status");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("setting   cpu", "libtorch 2.7.1", "cpu");
  }
}
