package dev.anneal.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of resources packed with the app, read the same way from a jar or from classes on disk:
 * the built-in presets and the sample workspace's corpus live in such folders.
 */
public final class ClasspathFolder {
  private final String root;

  /**
   * @param root the folder's resource path, such as {@code presets} (no leading slash)
   */
  public ClasspathFolder(String root) {
    this.root = root;
  }

  /** Relative paths of every file under the folder, sorted; empty when the folder is absent. */
  public List<String> files() {
    URL url = ClasspathFolder.class.getClassLoader().getResource(root);
    if (url == null) return List.of();
    try {
      Path dir;
      if (url.getProtocol().equals("jar")) {
        FileSystem fs;
        try {
          fs = FileSystems.getFileSystem(url.toURI());
        } catch (FileSystemNotFoundException e) {
          fs = FileSystems.newFileSystem(url.toURI(), Map.of());
        }
        dir = fs.getPath(root);
      } else {
        dir = Path.of(url.toURI());
      }
      Path base = dir;
      try (Stream<Path> walk = Files.walk(dir)) {
        return walk.filter(Files::isRegularFile)
            .map(p -> base.relativize(p).toString().replace('\\', '/'))
            .sorted()
            .toList();
      }
    } catch (IOException | URISyntaxException e) {
      throw new IllegalStateException("cannot list packed resources at " + url, e);
    }
  }

  /** The bytes of one file, by its path relative to the folder. */
  public byte[] read(String relative) {
    try (InputStream in =
        ClasspathFolder.class.getClassLoader().getResourceAsStream(root + "/" + relative)) {
      if (in == null)
        throw new IllegalArgumentException("no packed resource " + root + "/" + relative);
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies every file under the folder into {@code target}, keeping relative paths. */
  public void copyTo(Path target) throws IOException {
    for (String f : files()) {
      Path out = target.resolve(f);
      Files.createDirectories(out.getParent());
      Files.write(out, read(f));
    }
  }
}
