package dev.anneal.ui.compare;

import dev.anneal.ui.compare.CompareEvaluation.ColourBy;
import dev.anneal.ui.compare.CompareEvaluation.TokenDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * The evaluated text, each token on a background coloured by a loss: a model's own (green for
 * tokens it found easy, red for hard ones) or the difference (blue where tuning lowered the loss,
 * red where it raised it, white where nothing changed).
 */
final class PerTokenText {
  /** Loss (nats) shown as fully red; 8 nats is about 1 in 3,000. */
  private static final double HARD = 8.0;

  /** Loss difference (nats) shown at full strength. */
  private static final double STRONG = 2.0;

  private PerTokenText() {}

  static void fill(TextFlow flow, List<TokenDiff> tokens, ColourBy by) {
    List<Node> nodes = new ArrayList<>();
    for (TokenDiff t : tokens) {
      String colour = colour(t, by);
      String tip =
          Double.isNaN(t.baseLoss())
              ? "first token: nothing before it to predict it from"
              : String.format(
                  Locale.ROOT,
                  "base %.3f · tuned %.3f · Δ %+.3f",
                  t.baseLoss(),
                  t.tunedLoss(),
                  t.delta());
      String[] lines = t.text().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        if (i > 0) nodes.add(new Text("\n"));
        if (lines[i].isEmpty()) continue;
        Label l = new Label(lines[i]);
        l.getStyleClass().add("token");
        // The text colour comes from the stylesheet (dark in both themes: the backgrounds are
        // pale).
        l.setStyle("-fx-background-color: " + colour + ";");
        l.setAccessibleText(tip);
        l.setUserData(t);
        nodes.add(l);
      }
    }
    flow.getChildren().setAll(nodes);
  }

  /** A CSS colour for a token under the chosen view. */
  static String colour(TokenDiff t, ColourBy by) {
    if (Double.isNaN(t.baseLoss())) return "white";
    return switch (by) {
      case BASE -> byLoss(t.baseLoss());
      case TUNED -> byLoss(t.tunedLoss());
      case DIFFERENCE -> byDelta(t.delta());
    };
  }

  private static String byLoss(double loss) {
    double x = Math.clamp(loss / HARD, 0, 1);
    return String.format(Locale.ROOT, "hsb(%.0f, 45%%, 100%%)", 120 * (1 - x));
  }

  private static String byDelta(double delta) {
    double x = Math.clamp(Math.abs(delta) / STRONG, 0, 1);
    int hue = delta < 0 ? 215 : 0;
    return String.format(Locale.ROOT, "hsb(%d, %.0f%%, 100%%)", hue, 60 * x);
  }
}
