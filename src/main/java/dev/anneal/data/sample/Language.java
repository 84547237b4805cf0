package dev.anneal.data.sample;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The languages the builder extracts, each known by its file extensions. */
public enum Language {
  RUST("rust", "//", false),
  PYTHON("python", "#", false),
  JAVA("java", "//", false),
  GO("go", "//", false),
  TYPESCRIPT("typescript", "//", false),
  JAVASCRIPT("javascript", "//", false),
  C("c", "//", false),
  CPP("cpp", "//", false),
  SHELL("shell", "#", false),
  MARKDOWN("markdown", null, true),
  TEXT("text", null, true),
  JSONL("jsonl", null, true);

  private static final Map<String, Language> BY_EXTENSION =
      Map.ofEntries(
          Map.entry("rs", RUST),
          Map.entry("py", PYTHON),
          Map.entry("pyi", PYTHON),
          Map.entry("java", JAVA),
          Map.entry("go", GO),
          Map.entry("ts", TYPESCRIPT),
          Map.entry("tsx", TYPESCRIPT),
          Map.entry("mts", TYPESCRIPT),
          Map.entry("cts", TYPESCRIPT),
          Map.entry("js", JAVASCRIPT),
          Map.entry("jsx", JAVASCRIPT),
          Map.entry("mjs", JAVASCRIPT),
          Map.entry("cjs", JAVASCRIPT),
          Map.entry("c", C),
          Map.entry("h", C),
          Map.entry("cc", CPP),
          Map.entry("cpp", CPP),
          Map.entry("cxx", CPP),
          Map.entry("hpp", CPP),
          Map.entry("hh", CPP),
          Map.entry("hxx", CPP),
          Map.entry("sh", SHELL),
          Map.entry("bash", SHELL),
          Map.entry("zsh", SHELL),
          Map.entry("md", MARKDOWN),
          Map.entry("markdown", MARKDOWN),
          Map.entry("txt", TEXT),
          Map.entry("rst", TEXT),
          Map.entry("jsonl", JSONL));

  private final String id;
  private final String lineComment;
  private final boolean prose;

  Language(String id, String lineComment, boolean prose) {
    this.id = id;
    this.lineComment = lineComment;
    this.prose = prose;
  }

  /** The name used in files and on the command line ("rust", "cpp", "markdown" ...). */
  public String id() {
    return id;
  }

  /** How a line comment starts, for the path header of file samples; null for prose. */
  public String lineComment() {
    return lineComment;
  }

  /** Markdown, plain text and JSONL are language data (seed 002's stage 1), not code. */
  public boolean isProse() {
    return prose;
  }

  /** The language of a file name, by extension (a shebang is checked by the scanner). */
  public static Optional<Language> ofFileName(String name) {
    int dot = name.lastIndexOf('.');
    if (dot < 0) return Optional.empty();
    return Optional.ofNullable(BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT)));
  }

  /** The language named {@code id} ("rust", "ts" and "js" and "c++" accepted too). */
  public static Language parse(String id) {
    String s = id.trim().toLowerCase(Locale.ROOT);
    for (Language l : values()) if (l.id.equals(s)) return l;
    return switch (s) {
      case "rs" -> RUST;
      case "py" -> PYTHON;
      case "ts" -> TYPESCRIPT;
      case "js" -> JAVASCRIPT;
      case "c++", "cxx" -> CPP;
      case "bash", "sh" -> SHELL;
      case "md" -> MARKDOWN;
      case "txt", "plain" -> TEXT;
      default ->
          throw new IllegalArgumentException(
              "unknown language '"
                  + id
                  + "' (known: rust, python, java, go, typescript, javascript, c, cpp, shell, markdown, text, jsonl)");
    };
  }
}
