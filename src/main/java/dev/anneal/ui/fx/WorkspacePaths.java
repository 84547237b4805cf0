package dev.anneal.ui.fx;

import java.nio.file.Path;

/**
 * Paths as the studio shows them: relative to the open workspace when inside it ({@code corpus},
 * {@code runs/nano-…/best}), so the name that matters is what fits in a field; anything elsewhere
 * in full. Text typed relative is read against the workspace, not the process's folder.
 */
public final class WorkspacePaths {
  private WorkspacePaths() {}

  /** {@code path} relative to {@code workspace} when inside it, else as given. */
  public static String shown(Path workspace, Path path) {
    if (path == null) return "";
    Path abs = path.toAbsolutePath().normalize();
    Path root = workspace.toAbsolutePath().normalize();
    return abs.startsWith(root) && !abs.equals(root)
        ? root.relativize(abs).toString()
        : path.toString();
  }

  /** A path typed or shown relative, read against the workspace; an absolute one as it is. */
  public static Path resolve(Path workspace, String text) {
    Path p = Path.of(text.strip());
    return p.isAbsolute() ? p : workspace.resolve(p);
  }
}
