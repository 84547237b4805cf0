package dev.anneal.ui;

import javafx.application.Application;

/** Opens the studio window; the core's {@code Main} calls this when given no arguments. */
public final class StudioLauncher {
  private StudioLauncher() {}

  public static void launch() {
    String missing = DesktopCheck.problem();
    if (missing != null) {
      System.err.println("anneal: " + missing);
      System.exit(1);
    }
    StudioPreparation.start();
    Application.launch(StudioApp.class);
  }
}
