package dev.anneal.ui.fx;

import java.util.ArrayList;
import java.util.List;
import javafx.scene.chart.XYChart;

/**
 * A chart series that never holds more than {@code capacity} points however long the run: when
 * full, the older half is thinned to every other point (keeping the first), so recent steps stay
 * dense and a week of history stays drawable (TilesFX's sparkline keeps a fixed window the same
 * way). Add points on the FX thread, in batches.
 */
public final class BoundedSeries {
  private final XYChart.Series<Number, Number> series = new XYChart.Series<>();
  private final int capacity;
  private java.util.function.Supplier<javafx.scene.Node> marker;

  public BoundedSeries(String name, int capacity) {
    if (capacity < 4) throw new IllegalArgumentException("capacity must be at least 4");
    this.series.setName(name);
    this.capacity = capacity;
  }

  /** Draws each point as this node (event markers) instead of joining the points by a line. */
  public BoundedSeries asMarkers(java.util.function.Supplier<javafx.scene.Node> node) {
    this.marker = node;
    series
        .nodeProperty()
        .addListener(
            (o, a, n) -> {
              if (n != null) n.setStyle("-fx-stroke: transparent;");
            });
    return this;
  }

  public XYChart.Series<Number, Number> series() {
    return series;
  }

  /** Appends points (x ascending) and thins the history if it grew past the capacity. */
  public void addAll(List<double[]> points) {
    List<XYChart.Data<Number, Number>> add = new ArrayList<>(points.size());
    for (double[] p : points) {
      XYChart.Data<Number, Number> d = new XYChart.Data<>(p[0], p[1]);
      if (marker != null) d.setNode(marker.get());
      add.add(d);
    }
    series.getData().addAll(add);
    if (series.getData().size() > capacity) thin();
  }

  public void add(double x, double y) {
    addAll(List.of(new double[] {x, y}));
  }

  public void clear() {
    series.getData().clear();
  }

  public int size() {
    return series.getData().size();
  }

  private void thin() {
    var data = series.getData();
    while (data.size() > capacity) {
      int half = data.size() / 2;
      List<XYChart.Data<Number, Number>> kept = new ArrayList<>(data.size());
      for (int i = 0; i < half; i++) if (i % 2 == 0) kept.add(data.get(i));
      kept.addAll(data.subList(half, data.size()));
      data.setAll(kept);
    }
  }
}
