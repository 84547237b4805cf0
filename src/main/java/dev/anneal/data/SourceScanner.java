package dev.anneal.data;

import dev.anneal.data.sample.Language;
import dev.anneal.data.secrets.SecretFinding;
import dev.anneal.data.secrets.SecretScanner;
import dev.anneal.task.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Walks source folders and lists the files worth reading, honouring {@code .gitignore} files (each
 * applying below its folder, later and deeper patterns winning, as git does) and the user's
 * include/exclude globs. Hidden, vendored and build-output folders are skipped whole; lock files,
 * minified names, binary extensions and files over the size limit are skipped by name and size.
 * Symlink loops and unreadable folders are reported, never fatal.
 */
public final class SourceScanner {
  private static final Set<String> VENDORED =
      Set.of(
          "vendor",
          "vendors",
          "node_modules",
          "third_party",
          "third-party",
          "bower_components",
          "venv",
          "site-packages");
  private static final Set<String> BUILD_OUTPUT =
      Set.of("target", "dist", "__pycache__", "build", "out", ".next");
  private static final Set<String> LOCK_FILES =
      Set.of(
          "cargo.lock",
          "package-lock.json",
          "yarn.lock",
          "pnpm-lock.yaml",
          "poetry.lock",
          "gemfile.lock",
          "composer.lock",
          "go.sum",
          "pipfile.lock",
          "flake.lock",
          "uv.lock",
          "bun.lockb");
  private static final Set<String> BINARY_EXT =
      Set.of(
          "png",
          "jpg",
          "jpeg",
          "gif",
          "bmp",
          "ico",
          "webp",
          "pdf",
          "zip",
          "gz",
          "tgz",
          "xz",
          "bz2",
          "7z",
          "jar",
          "class",
          "so",
          "dylib",
          "dll",
          "exe",
          "o",
          "a",
          "bin",
          "wasm",
          "ttf",
          "otf",
          "woff",
          "woff2",
          "mp3",
          "mp4",
          "wav",
          "onnx",
          "pt",
          "safetensors",
          "pyc",
          "db",
          "sqlite");

  /** A file to read, with its path relative to the scanned root ('/'-separated). */
  public record Candidate(Path file, String rel, Language language, long size) {}

  private final ScanOptions options;
  private final Cancellation cancel;
  private final ScanReport report;
  private final List<GlobPattern> include = new ArrayList<>();
  private final List<GlobPattern> exclude = new ArrayList<>();

  private final Path skipDir;

  /**
   * @param skipDir a folder never scanned (the dataset being written), or null
   */
  public SourceScanner(ScanOptions options, Cancellation cancel, ScanReport report, Path skipDir) {
    this.skipDir = skipDir == null ? null : skipDir.toAbsolutePath().normalize();
    this.options = options;
    this.cancel = cancel;
    this.report = report;
    for (String g : options.include()) add(include, g);
    for (String g : options.exclude()) add(exclude, g);
  }

  private static void add(List<GlobPattern> list, String glob) {
    GlobPattern p = GlobPattern.parse("", glob);
    if (p != null) list.add(p);
  }

  /**
   * Lists the files under {@code root}, their relative paths prefixed by {@code prefix} (empty, or
   * the root's name plus '/' when several roots are scanned together).
   */
  public List<Candidate> scan(Path root, String prefix) throws IOException {
    return scan(root, prefix, c -> {});
  }

  /**
   * As {@link #scan(Path, String)}, handing each file to {@code found} as soon as it is listed (in
   * walk order), so that reading can start before the walk ends.
   */
  public List<Candidate> scan(Path root, String prefix, Consumer<Candidate> found)
      throws IOException {
    if (!Files.isDirectory(root)) throw new IOException(root + ": not a folder");
    List<Candidate> out = new ArrayList<>();
    Deque<List<GlobPattern>> ignores = new ArrayDeque<>();
    Path base = root.toAbsolutePath().normalize();
    Files.walkFileTree(
        base,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            cancel.check();
            String rel = rel(base, dir);
            if (dir.equals(skipDir)) {
              report.skipDir(SkipReason.EXCLUDED);
              return FileVisitResult.SKIP_SUBTREE;
            }
            if (!rel.isEmpty()) {
              SkipReason why = dirSkip(dir.getFileName().toString(), rel, ignores);
              if (why != null) {
                report.skipDir(why);
                return FileVisitResult.SKIP_SUBTREE;
              }
            }
            ignores.push(options.honourGitignore() ? ignoreFile(dir, rel) : List.of());
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
            ignores.pop();
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String rel = rel(base, file);
            SkipReason why = fileSkip(file, rel, attrs, ignores);
            if (why == SkipReason.ENV_FILE) {
              report.secret(new SecretFinding(prefix + rel, 0, "env_file"));
              report.skip(why);
            } else if (why != null) {
              report.skip(why);
            } else {
              Language lang = languageOf(file);
              if (lang == null) report.skip(SkipReason.UNSUPPORTED_TYPE);
              else if (!options.keeps(lang)) report.skip(SkipReason.LANGUAGE_NOT_SELECTED);
              else {
                Candidate c = new Candidate(file, prefix + rel, lang, attrs.size());
                out.add(c);
                found.accept(c);
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException exc) {
            SkipReason why =
                exc instanceof FileSystemLoopException
                    ? SkipReason.SYMLINK_LOOP
                    : SkipReason.UNREADABLE;
            report.problem(prefix + rel(base, file), why);
            return FileVisitResult.CONTINUE;
          }
        });
    return out;
  }

  private SkipReason dirSkip(String name, String rel, Deque<List<GlobPattern>> ignores) {
    if (name.startsWith(".")) return SkipReason.HIDDEN;
    if (VENDORED.contains(name)) return SkipReason.VENDORED;
    if (BUILD_OUTPUT.contains(name)) return SkipReason.GENERATED;
    if (ignored(ignores, rel, true)) return SkipReason.GITIGNORED;
    if (matchesAny(exclude, rel, true)) return SkipReason.EXCLUDED;
    return null;
  }

  private SkipReason fileSkip(
      Path file, String rel, BasicFileAttributes attrs, Deque<List<GlobPattern>> ignores) {
    String name = file.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (!attrs.isRegularFile()) return SkipReason.UNSUPPORTED_TYPE;
    if (SecretScanner.isEnvFile(name) && !ignored(ignores, rel, false)) return SkipReason.ENV_FILE;
    if (name.startsWith(".")) return SkipReason.HIDDEN;
    if (ignored(ignores, rel, false)) return SkipReason.GITIGNORED;
    if (matchesAny(exclude, rel, false)) return SkipReason.EXCLUDED;
    if (!include.isEmpty() && !matchesAny(include, rel, false)) return SkipReason.EXCLUDED;
    if (LOCK_FILES.contains(lower) || lower.endsWith(".lock")) return SkipReason.LOCK_FILE;
    if (lower.contains(".min.")) return SkipReason.MINIFIED;
    if (lower.endsWith("_pb2.py") || lower.endsWith(".pb.go") || lower.contains(".generated."))
      return SkipReason.GENERATED;
    int dot = lower.lastIndexOf('.');
    if (dot >= 0 && BINARY_EXT.contains(lower.substring(dot + 1))) return SkipReason.BINARY;
    if (attrs.size() > options.maxFileBytes()) return SkipReason.TOO_LARGE;
    if (attrs.size() == 0) return SkipReason.EMPTY;
    return null;
  }

  /** By extension, or for a file without one by its shebang line. */
  private static Language languageOf(Path file) {
    String name = file.getFileName().toString();
    var byName = Language.ofFileName(name);
    if (byName.isPresent() || name.contains(".")) return byName.orElse(null);
    try (InputStream in = Files.newInputStream(file)) {
      String head = new String(in.readNBytes(128), StandardCharsets.ISO_8859_1);
      if (!head.startsWith("#!")) return null;
      String line = head.lines().findFirst().orElse("");
      if (line.contains("python")) return Language.PYTHON;
      if (line.matches("#!.*\\b(ba|z|k|da)?sh\\b.*")) return Language.SHELL;
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  /** Git's rule: the last matching pattern wins, deeper .gitignore files after shallower. */
  private static boolean ignored(Deque<List<GlobPattern>> stack, String rel, boolean dir) {
    boolean ignored = false;
    var it = stack.descendingIterator(); // root first
    while (it.hasNext()) {
      for (GlobPattern p : it.next()) if (p.matches(rel, dir)) ignored = !p.negated();
    }
    return ignored;
  }

  private static boolean matchesAny(List<GlobPattern> globs, String rel, boolean dir) {
    for (GlobPattern p : globs) if (p.matches(rel, dir)) return true;
    return false;
  }

  private List<GlobPattern> ignoreFile(Path dir, String rel) {
    List<GlobPattern> out = new ArrayList<>();
    List<Path> files = new ArrayList<>(List.of(dir.resolve(".gitignore")));
    if (rel.isEmpty()) files.add(dir.resolve(".git/info/exclude"));
    for (Path f : files) {
      if (!Files.isRegularFile(f)) continue;
      try {
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
          GlobPattern p = GlobPattern.parse(rel, line);
          if (p != null) out.add(p);
        }
      } catch (IOException e) {
        report.problem(rel.isEmpty() ? ".gitignore" : rel + "/.gitignore", SkipReason.UNREADABLE);
      }
    }
    return out;
  }

  private static String rel(Path base, Path p) {
    return base.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
  }
}
