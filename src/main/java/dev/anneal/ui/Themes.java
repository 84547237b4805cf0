package dev.anneal.ui;

import javafx.scene.Scene;

/** The studio's two themes: the shared stylesheet, then the theme's colours on top. */
public final class Themes {
  private Themes() {}

  /** Applies {@code theme} ("light" or "dark"; anything else is light) to a scene. */
  public static void apply(Scene scene, String theme) {
    String name = "dark".equals(theme) ? "dark" : "light";
    // What shows where no node paints (a resize in progress, a view narrower than the window).
    scene.setFill(javafx.scene.paint.Color.web(name.equals("dark") ? "#1f2228" : "#f4f4f4"));
    scene
        .getStylesheets()
        .setAll(
            Themes.class.getResource("studio.css").toExternalForm(),
            Themes.class.getResource(name + ".css").toExternalForm());
  }
}
