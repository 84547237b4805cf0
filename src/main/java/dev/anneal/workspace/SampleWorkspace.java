package dev.anneal.workspace;

import dev.anneal.io.AtomicFiles;
import dev.anneal.io.ClasspathFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The workspace a first start opens: packed in the app, so it needs no download. Its corpus is
 * Anneal's own Java sources; its default preset is {@code nano}.
 */
public final class SampleWorkspace {
  private static final ClasspathFolder PACKED = new ClasspathFolder("sample-workspace");

  private SampleWorkspace() {}

  /** Where the sample workspace lives inside the app's data folder. */
  public static Path location(Path dataDir) {
    return dataDir.resolve("sample-workspace");
  }

  /**
   * The sample workspace, unpacked into the data folder the first time (atomically: an interrupted
   * first start leaves no half-copied workspace behind).
   */
  public static Workspace ensure(Path dataDir) throws IOException {
    Path target = location(dataDir);
    if (!Files.isRegularFile(target.resolve(Workspace.FILE))) {
      AtomicFiles.writeDirectory(target, PACKED::copyTo);
    }
    return Workspace.open(target);
  }
}
