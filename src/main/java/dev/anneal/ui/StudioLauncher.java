package dev.anneal.ui;

import javafx.application.Application;

/** Opens the studio window; the core's {@code Main} calls this when given no arguments. */
public final class StudioLauncher {
  private StudioLauncher() {}

  public static void launch() {
    StudioPreparation.start();
    Application.launch(StudioApp.class);
  }
}
