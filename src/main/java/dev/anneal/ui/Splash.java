package dev.anneal.ui;

import dev.anneal.task.Progress;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.StageStyle;

/**
 * The first start's splash: the engine's natives unpack (or download) into the data folder, which
 * takes seconds, so the user sees what is happening and how far it has got.
 */
final class Splash {
  private final Stage stage = new Stage(StageStyle.UTILITY);
  private final ProgressBar bar = new ProgressBar(ProgressBar.INDETERMINATE_PROGRESS);
  private final Label detail = new Label(" ");

  Splash(String stageName) {
    Image icon = new Image(Splash.class.getResourceAsStream("icon.png"));
    ImageView logo = new ImageView(icon);
    logo.setFitWidth(96);
    logo.setFitHeight(96);
    Label title = new Label("Anneal is getting ready");
    title.getStyleClass().add("section-title");
    Label what = new Label(stageName + " into the data folder (first start only)…");
    bar.setId("splash-progress");
    bar.setPrefWidth(360);
    detail.setId("splash-detail");
    VBox box = new VBox(10, logo, title, what, bar, detail);
    box.setAlignment(Pos.CENTER);
    box.setPadding(new Insets(24));
    stage.setTitle("Anneal");
    stage.getIcons().add(icon);
    stage.setScene(new Scene(box));
    stage.setResizable(false);
  }

  void show() {
    stage.show();
  }

  void close() {
    stage.close();
  }

  /** Shows the latest progress; FX thread. */
  void update(Progress p) {
    double mb = p.done() / 1e6;
    if (p.total() > 0 && p.done() == 0) {
      // Nothing measurable yet (the natives may unpack elsewhere and move in at the end): say
      // how much is coming rather than a "0 of" that looks stuck.
      bar.setProgress(ProgressBar.INDETERMINATE_PROGRESS);
      detail.setText(String.format(Locale.ROOT, "%.0f MB to unpack", p.total() / 1e6));
    } else if (p.total() > 0) {
      bar.setProgress(p.fraction());
      detail.setText(String.format(Locale.ROOT, "%.0f of %.0f MB", mb, p.total() / 1e6));
    } else {
      detail.setText(String.format(Locale.ROOT, "%.0f MB", mb));
    }
  }

  /** The root, for tests. */
  javafx.scene.Parent root() {
    return stage.getScene().getRoot();
  }
}
