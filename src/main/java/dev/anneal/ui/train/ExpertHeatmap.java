package dev.anneal.ui.train;

import java.util.List;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;

/**
 * Expert usage of an MoE run: one row per (layer, expert), one column per logged step (the last
 * {@link RunCharts#HEATMAP_COLUMNS}), colour from dark (idle) to bright (over-used). A balanced
 * router shows an even band at 1/E.
 */
final class ExpertHeatmap extends Pane {
  private final Canvas canvas = new Canvas();
  private List<List<List<Double>>> history = List.of();

  ExpertHeatmap() {
    getChildren().add(canvas);
    setMinHeight(120);
    widthProperty().addListener(o -> draw());
    heightProperty().addListener(o -> draw());
  }

  void show(List<List<List<Double>>> h) {
    history = h;
    draw();
  }

  private void draw() {
    canvas.setWidth(getWidth());
    canvas.setHeight(getHeight());
    GraphicsContext g = canvas.getGraphicsContext2D();
    g.setFill(Color.web("#1e2229"));
    g.fillRect(0, 0, getWidth(), getHeight());
    if (history.isEmpty()) {
      g.setFill(Color.GRAY);
      g.fillText("Expert usage appears here for mixture-of-experts runs", 10, 20);
      return;
    }
    List<List<Double>> first = history.getFirst();
    int layers = first.size();
    int experts = first.getFirst().size();
    int rows = layers * experts;
    double cw = getWidth() / RunCharts.HEATMAP_COLUMNS;
    double rh = getHeight() / rows;
    for (int c = 0; c < history.size(); c++) {
      List<List<Double>> col = history.get(c);
      for (int l = 0; l < Math.min(layers, col.size()); l++) {
        for (int e = 0; e < Math.min(experts, col.get(l).size()); e++) {
          double load = col.get(l).get(e) * experts; // 1.0 = a fair share
          g.setFill(
              Color.hsb(220 - Math.min(2, load) * 100, 0.85, 0.25 + 0.75 * Math.min(1, load / 2)));
          g.fillRect(c * cw, (l * experts + e) * rh, Math.ceil(cw), Math.ceil(rh));
        }
      }
    }
    g.setStroke(Color.web("#000000", 0.6));
    for (int l = 1; l < layers; l++)
      g.strokeLine(0, l * experts * rh, getWidth(), l * experts * rh);
  }
}
