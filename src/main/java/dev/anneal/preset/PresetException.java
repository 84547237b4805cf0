package dev.anneal.preset;

/**
 * A preset that cannot be used, with the place to fix it: {@code file:line: field: message}. The
 * message is one line, fit to show a user as is.
 */
public final class PresetException extends RuntimeException {
  private final String file;
  private final int line;
  private final String field;
  private final String problem;

  public PresetException(String file, int line, String field, String problem) {
    super(format(file, line, field, problem));
    this.file = file;
    this.line = line;
    this.field = field;
    this.problem = problem;
  }

  private static String format(String file, int line, String field, String problem) {
    StringBuilder s = new StringBuilder(file);
    if (line > 0) s.append(':').append(line);
    s.append(": ");
    if (field != null && !field.isEmpty()) s.append(field).append(": ");
    return s.append(problem).toString();
  }

  public String file() {
    return file;
  }

  /** 1-based line in the file, or 0 when unknown. */
  public int line() {
    return line;
  }

  /** Dotted path of the field, such as {@code model.heads}; empty for the whole file. */
  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }
}
