package dev.anneal.ui;

import dev.anneal.AppEnvironment;
import javafx.application.Application;
import javafx.scene.Scene;
import javafx.stage.Stage;

/** The studio's JavaFX application: one window holding the {@link ShellView}. */
public final class StudioApp extends Application {
  @Override
  public void start(Stage stage) {
    ShellView shell = new ShellView(new ShellViewModel());
    stage.setTitle("Anneal " + AppEnvironment.version());
    stage.setScene(new Scene(shell.root(), 1200, 780));
    stage.show();
  }
}
