package dev.anneal.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * Runs the command line: results to stdout, logs and errors to stderr. A failure is one line
 * ({@code anneal: <what went wrong>}); {@code --verbose} adds the stack trace.
 */
public final class Cli {
  private Cli() {}

  /** Runs with the process's stdout and stderr; returns the exit code. */
  public static int run(String... args) {
    return run(
        new PrintWriter(System.out, true, StandardCharsets.UTF_8),
        new PrintWriter(System.err, true, StandardCharsets.UTF_8),
        args);
  }

  /** Runs with the given writers (tests capture them); returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine();
    cl.setOut(out);
    cl.setErr(err);
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new AnnealCommand());
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // A mistyped command line is one line too, naming where the help is.
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine at = ex.getCommandLine();
          PrintWriter err = at.getErr();
          err.println(
              "anneal: "
                  + oneLine(ex)
                  + " (see '"
                  + at.getCommandSpec().qualifiedName()
                  + " --help')");
          err.flush();
          return 2;
        });
    cl.setExecutionStrategy(
        parseResult -> {
          String bad = OptionRanges.problem(parseResult);
          if (bad != null) {
            throw new CommandLine.ExecutionException(cl, bad, new IllegalArgumentException(bad));
          }
          return new CommandLine.RunLast().execute(parseResult);
        });
    cl.setExecutionExceptionHandler(
        (ex, commandLine, parseResult) -> {
          PrintWriter err = commandLine.getErr();
          err.println("anneal: " + oneLine(ex));
          if (parseResult.hasMatchedOption("--verbose")) {
            ex.printStackTrace(err);
          } else {
            err.println("(run with --verbose for details)");
          }
          err.flush();
          return 1;
        });
    return cl;
  }

  /** The message a user sees: the exception's own, or its type when it has none. */
  static String oneLine(Throwable ex) {
    Throwable t = ex;
    while (t.getMessage() == null && t.getCause() != null) t = t.getCause();
    String msg = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    return msg.lines().findFirst().orElse(msg);
  }

  /**
   * Silences libtorch's own warnings (the deprecated-guard line every inference printed) for
   * commands that load a model; {@code --verbose} keeps them.
   */
  static void quietLibtorch(picocli.CommandLine.Model.CommandSpec spec) {
    var parsed = spec.commandLine().getParseResult();
    if (parsed == null || !parsed.hasMatchedOption("--verbose"))
      dev.anneal.engine.NativeWarnings.hide();
  }
}
