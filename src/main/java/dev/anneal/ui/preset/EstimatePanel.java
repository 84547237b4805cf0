package dev.anneal.ui.preset;

import dev.anneal.metrics.Durations;
import dev.anneal.preset.estimate.Estimate;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.layout.VBox;

/** The live estimate beside the editor: counts, memory per device as a stacked bar, verdict. */
final class EstimatePanel extends VBox {
  private final Label params = new Label();
  private final Label verdict = new Label();
  private final Label suggestions = new Label();
  private final Label time = new Label();
  private final StackedBarChart<String, Number> chart;

  EstimatePanel() {
    super(8);
    setPadding(new Insets(12));
    setPrefWidth(360);
    setId("estimate-panel");
    params.setId("estimate-params");
    params.setWrapText(true);
    verdict.setWrapText(true);
    verdict.setId("estimate-verdict");
    suggestions.setWrapText(true);
    time.setWrapText(true);
    CategoryAxis x = new CategoryAxis();
    NumberAxis y = new NumberAxis();
    y.setLabel("GB per device");
    chart = new StackedBarChart<>(x, y);
    chart.setAnimated(false);
    chart.setPrefHeight(320);
    chart.setId("memory-chart");
    Label title = new Label("Estimate");
    title.getStyleClass().add("section-title");
    getChildren().addAll(title, params, chart, verdict, suggestions, time);
  }

  void show(Estimate e) {
    chart.getData().clear();
    if (e == null) {
      params.setText("Fix the marked fields to see an estimate.");
      verdict.setText("");
      suggestions.setText("");
      time.setText("");
      return;
    }
    params.setText(
        String.format(
            Locale.ROOT,
            "%s parameters · %s trainable · %s active per token",
            count(e.params().total()),
            count(e.params().trainable()),
            count(e.params().active())));
    Estimate.Memory m = e.memory();
    add("weights", m.weights());
    add("LoRA", m.lora());
    add("gradients", m.gradients());
    add("optimizer", m.optimizer());
    add("activations", m.activations());
    add("overhead", m.overhead());
    XYChart.Series<String, Number> cap = new XYChart.Series<>();
    cap.setName("device memory");
    cap.getData().add(new XYChart.Data<>("device", Estimate.gb(e.capacityBytes())));
    chart.getData().add(cap);
    verdict.setText(
        String.format(
            Locale.ROOT,
            "%s: %.1f GB of %.0f GB per device%s",
            e.fits() ? "Fits" : "Does not fit",
            Estimate.gb(m.total()),
            Estimate.gb(e.capacityBytes()),
            e.hostBytes() > 0
                ? String.format(Locale.ROOT, ", %.1f GB host RAM", Estimate.gb(e.hostBytes()))
                : ""));
    verdict.getStyleClass().setAll("label", e.fits() ? "verdict-fits" : "verdict-no-fit");
    suggestions.setText(
        e.suggestions().isEmpty()
            ? ""
            : "Would fit with:\n• " + String.join("\n• ", e.suggestions()));
    String cost = e.cost() == null ? "" : String.format(Locale.ROOT, " · about $%,.0f", e.cost());
    time.setText(
        String.format(
            Locale.ROOT,
            "%,d steps × %,d tokens: about %s at %,.0f tokens/s (%s)%s",
            e.steps(),
            e.tokensPerStep(),
            Durations.of(e.seconds()),
            e.tokensPerSecond(),
            e.measured() ? "measured" : "assumed",
            cost));
  }

  private void add(String name, double bytes) {
    if (bytes <= 0) return;
    XYChart.Series<String, Number> s = new XYChart.Series<>();
    s.setName(name);
    s.getData().add(new XYChart.Data<>("needed", Estimate.gb(bytes)));
    chart.getData().add(s);
  }

  static String count(long n) {
    if (n >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2fB", n / 1e9);
    if (n >= 1_000_000L) return String.format(Locale.ROOT, "%.1fM", n / 1e6);
    return String.format(Locale.ROOT, "%,d", n);
  }
}
