package dev.anneal.ui.train;

import javafx.beans.value.ObservableValue;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/**
 * One figure of a run at a glance (step, speed, time left, loss, memory): a small title over the
 * value in large print. A figure with nothing to show reads "–".
 */
final class FigureTile extends VBox {
  private final Label value = new Label("–");

  FigureTile(String id, String title, ObservableValue<String> text) {
    Label name = new Label(title);
    name.getStyleClass().add("figure-title");
    value.getStyleClass().add("figure-value");
    value.setId(id);
    value.textProperty().bind(text);
    getChildren().addAll(name, value);
    getStyleClass().add("figure-tile");
    setPrefWidth(170);
  }

  String text() {
    return value.getText();
  }
}
