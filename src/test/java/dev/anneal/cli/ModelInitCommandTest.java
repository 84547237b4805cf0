package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.LoadedModel;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.preset.estimate.ParameterCount;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInitCommandTest {
  @Test
  void initWritesAnHfFolderThatInfoReadsBack(@TempDir Path dir) throws Exception {
    AppEnvironment.configure();
    Path out = dir.resolve("nano-moe");
    CliTest.Result r = CliTest.run("model", "init", "nano-moe", "--out", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    var preset = new PresetRegistry(List.of()).resolve("nano-moe");
    try (LoadedModel m = HfFolder.load(out)) {
      assertThat(m.spec().layers()).isEqualTo(4);
      long total = 0;
      for (String name : m.tensors().names()) {
        long n = 1;
        for (long d : m.tensors().shape(name)) n *= d;
        total += n;
      }
      // Every parameter plus the aux-free balancing buffers (E per layer).
      assertThat(total).isEqualTo(ParameterCount.of(preset.model(), null).total() + 4L * 4);
    }
    CliTest.Result info = CliTest.run("model", "info", out.toString());
    assertThat(info.code()).isZero();
    assertThat(info.out()).contains("anneal_moe");
  }

  @Test
  void aHugePresetIsRefusedWithTheMemoryItWouldNeed(@TempDir Path dir) {
    CliTest.Result r =
        CliTest.run("model", "init", "kat-dev-72b-lora", "--out", dir.resolve("x").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("72,706,203,648 parameters").contains("GB of RAM");
  }
}
