package dev.anneal.ui.runs;

import dev.anneal.runs.PresetDiff;
import dev.anneal.runs.RunComparison;
import dev.anneal.runs.RunHistory;
import dev.anneal.ui.fx.Columns;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Runs side by side: training loss, validation loss and learning rate on shared axes (by step or by
 * tokens), a table of best and final losses and time, and the preset fields that differ. Layout and
 * bindings only; the data comes read from {@link RunComparison}.
 */
final class RunCompareView {
  private final VBox root = new VBox(6);
  private final LineChart<Number, Number> train = chart("Training loss", "compare-train-loss");
  private final LineChart<Number, Number> val = chart("Validation loss", "compare-val-loss");
  private final LineChart<Number, Number> lr = chart("Learning rate", "compare-lr");
  private final TableView<RunHistory> summary = new TableView<>();
  private final TableView<PresetDiff.Row> diff = new TableView<>();
  private final ToggleButton bySteps = new ToggleButton("By step");
  private final ToggleButton byTokens = new ToggleButton("By tokens");
  private RunComparison shown;

  RunCompareView(ObjectProperty<RunComparison> comparison) {
    ToggleGroup g = new ToggleGroup();
    bySteps.setToggleGroup(g);
    byTokens.setToggleGroup(g);
    bySteps.setSelected(true);
    bySteps.setId("compare-by-step");
    byTokens.setId("compare-by-tokens");
    g.selectedToggleProperty()
        .addListener(
            (o, a, t) -> {
              if (t == null) a.setSelected(true); // one of the two stays chosen
              else show(shown);
            });
    summary.setId("compare-summary");
    summary.getColumns().add(Columns.text("Run", 220, RunHistory::name));
    summary.getColumns().add(Columns.text("Status", 90, RunHistory::status));
    summary.getColumns().add(Columns.text("Step", 90, r -> r.step() + " / " + r.steps()));
    summary.getColumns().add(Columns.text("Best val", 80, r -> loss(r.bestValLoss())));
    summary.getColumns().add(Columns.text("Final loss", 80, r -> loss(r.finalLoss())));
    summary.getColumns().add(Columns.text("Final val", 80, r -> loss(r.finalValLoss())));
    summary
        .getColumns()
        .add(
            Columns.text(
                "Time",
                80,
                r ->
                    Double.isNaN(r.seconds())
                        ? "–"
                        : String.format(Locale.ROOT, "%.0f s", r.seconds())));
    summary.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    diff.setId("compare-diff");
    diff.setPlaceholder(new Label("The presets are the same"));
    diff.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    summary.setPrefHeight(120);
    diff.setPrefHeight(120);

    GridPane charts = new GridPane();
    charts.setHgap(8);
    charts.add(train, 0, 0);
    charts.add(val, 1, 0);
    charts.add(lr, 2, 0);
    for (var c : List.of(train, val, lr)) GridPane.setHgrow(c, Priority.ALWAYS);
    HBox tables = new HBox(8, summary, diff);
    HBox.setHgrow(summary, Priority.ALWAYS);
    HBox.setHgrow(diff, Priority.ALWAYS);
    HBox axis = new HBox(4, new Label("x axis:"), bySteps, byTokens);
    root.setId("runs-compare");
    root.setPadding(new Insets(6, 8, 6, 8));
    root.getChildren().addAll(axis, charts, tables);
    comparison.addListener((o, a, c) -> show(c));
    show(comparison.get());
  }

  private void show(RunComparison c) {
    shown = c;
    root.setVisible(c != null);
    root.setManaged(c != null);
    if (c == null) return;
    boolean tokens = byTokens.isSelected();
    fill(train, c, RunHistory::trainLoss, tokens);
    fill(val, c, RunHistory::valLoss, tokens);
    fill(lr, c, RunHistory::lr, tokens);
    for (var chart : List.of(train, val, lr))
      ((NumberAxis) chart.getXAxis()).setLabel(tokens ? "tokens" : "step");
    summary.getItems().setAll(c.runs());
    diff.getColumns().setAll(List.of(Columns.text("Field", 160, PresetDiff.Row::field)));
    for (int i = 0; i < c.runs().size(); i++) {
      int k = i;
      diff.getColumns().add(Columns.text(c.runs().get(i).name(), 120, r -> r.values().get(k)));
    }
    diff.getItems().setAll(c.presetDiff());
  }

  /** One series per run; points without tokens are left out when the x is tokens. */
  private static void fill(
      LineChart<Number, Number> chart,
      RunComparison c,
      Function<RunHistory, List<RunHistory.Point>> curve,
      boolean byTokens) {
    List<XYChart.Series<Number, Number>> all = new ArrayList<>();
    for (RunHistory r : c.runs()) {
      XYChart.Series<Number, Number> s = new XYChart.Series<>();
      s.setName(r.name());
      for (RunHistory.Point p : curve.apply(r)) {
        if (byTokens && p.tokens() < 0) continue;
        s.getData().add(new XYChart.Data<>(p.x(byTokens), p.value()));
      }
      all.add(s);
    }
    chart.getData().setAll(all);
  }

  private static LineChart<Number, Number> chart(String title, String id) {
    NumberAxis x = new NumberAxis();
    x.setForceZeroInRange(false);
    NumberAxis y = new NumberAxis();
    y.setForceZeroInRange(false);
    LineChart<Number, Number> c = new LineChart<>(x, y);
    c.setTitle(title);
    c.setId(id);
    c.setCreateSymbols(false);
    c.setAnimated(false);
    c.setMinSize(200, 180);
    return c;
  }

  private static String loss(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
  }

  Node root() {
    return root;
  }
}
