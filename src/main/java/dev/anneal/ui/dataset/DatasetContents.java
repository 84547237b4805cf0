package dev.anneal.ui.dataset;

import dev.anneal.data.Sample;
import dev.anneal.ui.fx.Columns;
import java.util.Locale;
import java.util.Map;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.chart.BarChart;
import javafx.scene.chart.CategoryAxis;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The opened dataset: a preview table of samples with a code viewer, charts of samples by kind
 * and by language and the token-length histogram, and the skipped files with their reasons.
 */
final class DatasetContents {
  private final VBox root = new VBox(6);
  private final Label summary = new Label("No dataset open: build one, or pick one on the left.");
  private final TableView<Sample> samples = new TableView<>();
  private final TextArea code = new TextArea();
  private final BarChart<String, Number> byKind = chart("Samples by kind", "by-kind");
  private final BarChart<String, Number> byLanguage = chart("Samples by language", "by-language");
  private final BarChart<String, Number> histogram = chart("Token length (estimated)", "token-histogram");
  private final TableView<DatasetFolder.Skip> skipped = new TableView<>();

  DatasetContents() {
    summary.setId("dataset-summary");
    summary.setWrapText(true);
    summary.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE); // wrap instead of clipping
    samples.setId("dataset-samples");
    samples.getColumns().add(Columns.text("Kind", 120, s -> KindLabels.of(s.kind())));
    samples.getColumns().add(Columns.text("Path", 300, Sample::path));
    samples.getColumns().add(Columns.text("Language", 90, Sample::language));
    samples.getColumns().add(Columns.text("Lines", 90, s -> s.startLine() + "–" + s.endLine()));
    samples.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    code.setId("dataset-code");
    code.setEditable(false);
    code.getStyleClass().add("code-viewer");
    samples.getSelectionModel().selectedItemProperty().addListener((o, a, s) ->
        code.setText(s == null ? "" : s.text()));
    SplitPane preview = new SplitPane(samples, code);
    preview.setOrientation(Orientation.VERTICAL);
    preview.setDividerPositions(0.5);

    GridPane charts = new GridPane();
    charts.setHgap(8);
    charts.setVgap(8);
    charts.add(byKind, 0, 0);
    charts.add(byLanguage, 1, 0);
    charts.add(histogram, 0, 1, 2, 1);
    for (var c : new BarChart<?, ?>[] {byKind, byLanguage, histogram}) {
      GridPane.setHgrow(c, Priority.ALWAYS);
      GridPane.setVgrow(c, Priority.ALWAYS);
    }
    charts.setPadding(new Insets(6));

    skipped.setId("dataset-skipped");
    skipped.getColumns().add(Columns.text("What", 80, DatasetFolder.Skip::what));
    skipped.getColumns().add(Columns.text("Reason", 180, DatasetFolder.Skip::reason));
    skipped.getColumns().add(Columns.text("Count", 80, k -> String.format(Locale.ROOT, "%,d", k.count())));
    skipped.getColumns().add(Columns.text("Path", 300, DatasetFolder.Skip::path));
    skipped.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    skipped.setPlaceholder(new Label("Nothing was skipped"));

    TabPane tabs = new TabPane(tab("Samples", preview, "tab-samples"), tab("Charts", charts, "tab-charts"),
        tab("Skipped", skipped, "tab-skipped"));
    tabs.setId("dataset-tabs");
    VBox.setVgrow(tabs, Priority.ALWAYS);
    root.setPadding(new Insets(8));
    root.getChildren().addAll(summary, tabs);
  }

  /** Shows a dataset folder, or nothing. */
  void show(DatasetFolder f) {
    if (f == null) return;
    DatasetFolder.Stats st = f.stats();
    String tokens = f.meta() == null ? "not prepared (no token shards yet)"
        : String.format(Locale.ROOT, "%,d train + %,d val tokens, vocab %,d, sequences of %d, %,d FIM documents",
            f.meta().trainTokens(), f.meta().valTokens(), f.meta().vocabSize(), f.meta().seqLen(),
            f.meta().fimDocuments());
    summary.setText(String.format(Locale.ROOT,
        "%s: %,d samples from %,d files (~%,d tokens estimated); duplicates removed %,d exact, %,d near; %s%s",
        f.dir().getFileName(), f.samples(), st.filesScanned(), st.estimatedTokens(), st.exactDuplicates(),
        st.nearDuplicates(), tokens,
        f.samples() > f.preview().size() ? " · preview shows the first " + f.preview().size() : ""));
    samples.getItems().setAll(f.preview());
    if (!f.preview().isEmpty()) samples.getSelectionModel().selectFirst();
    Map<String, Long> kinds = new java.util.LinkedHashMap<>();
    st.byKind().forEach((k, v) -> kinds.merge(KindLabels.of(k), v, Long::sum));
    fill(byKind, kinds);
    fill(byLanguage, st.byLanguage());
    Map<String, Long> hist = new java.util.LinkedHashMap<>();
    st.histogram().forEach(b -> hist.put(b.label(), b.samples()));
    fill(histogram, hist);
    skipped.getItems().setAll(st.skipped());
  }

  private static void fill(BarChart<String, Number> chart, Map<String, Long> values) {
    XYChart.Series<String, Number> series = new XYChart.Series<>();
    values.forEach((k, v) -> series.getData().add(new XYChart.Data<>(k, v)));
    chart.getData().setAll(java.util.List.of(series));
  }

  private static BarChart<String, Number> chart(String title, String id) {
    CategoryAxis categories = new CategoryAxis();
    // Slanted, the categories (token-length ranges, kind names) no longer run into each other.
    categories.setTickLabelRotation(-35);
    NumberAxis counts = new NumberAxis();
    counts.setTickLabelFormatter(dev.anneal.ui.fx.AxisFormats.wholeNumbers());
    counts.setMinorTickVisible(false);
    BarChart<String, Number> c = new BarChart<>(categories, counts);
    c.setTitle(title);
    c.setId(id);
    c.setLegendVisible(false);
    c.setAnimated(false); // animated bars lag behind a quick re-open and blur screenshots
    c.setMinSize(200, 160);
    return c;
  }

  private static Tab tab(String title, Node content, String id) {
    Tab t = new Tab(title, new BorderPane(content));
    t.setId(id);
    t.setClosable(false);
    return t;
  }

  TableView<Sample> samplesTable() {
    return samples;
  }

  Node root() {
    return root;
  }
}
