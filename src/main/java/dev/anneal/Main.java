package dev.anneal;

import dev.anneal.cli.Cli;
import dev.anneal.ui.StudioLauncher;

/**
 * The one entry point: no arguments opens the studio, anything else runs the command line. {@code
 * java -jar anneal.jar presets list}, {@code java -jar anneal.jar --help}.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    StartupTrace.mark("main");
    if (args.length == 0) {
      AppEnvironment.configureInBackground();
      StudioLauncher.launch();
      return;
    }
    AppEnvironment.configure();
    System.exit(Cli.run(args));
  }
}
