package dev.anneal.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleWorkspaceTest {
  @Test
  void unpacksOnceWithAJavaCorpusAndTheNanoPreset(@TempDir Path data) throws Exception {
    Workspace ws = SampleWorkspace.ensure(data);
    assertThat(ws.defaultPreset()).isEqualTo("nano");
    assertThat(ws.sources()).hasSize(1);
    try (Stream<Path> files = Files.walk(ws.sources().getFirst())) {
      assertThat(files.filter(p -> p.toString().endsWith(".java")).count()).isGreaterThan(20);
    }
    assertThat(ws.datasetsDir()).isDirectory();
    assertThat(ws.runsDir()).isDirectory();
    Files.writeString(ws.root().resolve("mine.txt"), "kept");
    assertThat(SampleWorkspace.ensure(data).root().resolve("mine.txt")).hasContent("kept");
  }
}
