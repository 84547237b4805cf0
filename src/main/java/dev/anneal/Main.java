package dev.anneal;

import dev.anneal.cli.Cli;
import dev.anneal.ui.StudioLauncher;

/**
 * The one entry point: no arguments opens the studio, anything else runs the command line.
 * {@code java -jar anneal.jar presets list}, {@code java -jar anneal.jar --help}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    AppEnvironment.configure();
    if (args.length == 0) {
      StudioLauncher.launch();
      return;
    }
    System.exit(Cli.run(args));
  }
}
