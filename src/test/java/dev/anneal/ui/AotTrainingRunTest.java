package dev.anneal.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class AotTrainingRunTest {
  /**
   * The installer's AOT cache records this workload: were it to fail, the cache would lose the data
   * pipeline's classes and profiles (the recording script also fails the build then). It leaves no
   * scratch folder behind.
   */
  @Test
  void dataWorkloadRunsAndCleansUp() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    long before = scratchFolders(tmp);
    AotTrainingRun.runDataWorkload();
    assertThat(scratchFolders(tmp)).isEqualTo(before);
  }

  private static long scratchFolders(Path tmp) throws Exception {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("anneal-aot-data-")).count();
    }
  }
}
