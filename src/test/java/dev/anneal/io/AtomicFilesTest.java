package dev.anneal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("stats.json");
    AtomicFiles.writeString(f, "old");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    f,
                    out -> {
                      out.write("half".getBytes());
                      throw new IOException("disk full");
                    }))
        .hasMessage("disk full");
    assertThat(Files.readString(f)).isEqualTo("old");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void aFolderAppearsWholeOrNotAtAll(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("dataset");
    AtomicFiles.writeDirectory(out, d -> Files.writeString(d.resolve("a.txt"), "1"));
    assertThatThrownBy(
        () ->
            AtomicFiles.writeDirectory(
                out,
                d -> {
                  Files.writeString(d.resolve("b.txt"), "2");
                  throw new IOException("cancelled half way");
                }));
    assertThat(out.resolve("a.txt")).hasContent("1");
    assertThat(out.resolve("b.txt")).doesNotExist();
    AtomicFiles.writeDirectory(out, d -> Files.writeString(d.resolve("c.txt"), "3"));
    assertThat(out.resolve("a.txt")).doesNotExist();
    assertThat(out.resolve("c.txt")).hasContent("3");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(out);
    }
  }
}
