package dev.anneal.ui.dataset;

import dev.anneal.tokenizer.ChatTemplate;
import java.util.ArrayList;
import java.util.List;
import javafx.scene.Node;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

/**
 * A chat sample as the model is trained on it: the template's rendering, the assistant's spans
 * (whose tokens carry loss) bold in the accent colour, the rest (prompts, markers) muted; the
 * colours come from the theme ({@code .trained-span} and {@code .masked-span} in studio.css).
 */
final class TrainedSpans {
  private TrainedSpans() {}

  static void fill(TextFlow flow, List<ChatTemplate.Segment> segments) {
    List<Node> nodes = new ArrayList<>();
    for (ChatTemplate.Segment s : segments) {
      Text t = new Text(s.text());
      t.getStyleClass().add(s.trained() ? "trained-span" : "masked-span");
      t.setUserData(s);
      nodes.add(t);
    }
    flow.getChildren().setAll(nodes);
  }
}
