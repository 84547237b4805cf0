package dev.anneal.ui.dataset;

import dev.anneal.data.sample.Sample;
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
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextArea;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.text.TextFlow;

/**
 * The opened dataset: a preview table of samples with a code viewer, charts of samples by kind and
 * by language and the token-length histogram, the skipped files with their reasons, and the secrets
 * found by file and line.
 */
final class DatasetContents {
  private final VBox root = new VBox(6);
  private final Label summary = new Label("No dataset open: build one, or pick one on the left.");
  private final TableView<Sample> samples = new TableView<>();
  private final TextArea code = new TextArea();
  private final TextFlow trained = new TextFlow();
  private final ScrollPane trainedView = new ScrollPane(trained);
  private final Label legend = new Label();
  private java.util.Map<Sample, java.util.List<dev.anneal.tokenizer.ChatTemplate.Segment>> spans =
      java.util.Map.of();
  private final BarChart<String, Number> byKind = chart("Samples by kind", "by-kind");
  private final BarChart<String, Number> byLanguage = chart("Samples by language", "by-language");
  private final BarChart<String, Number> histogram =
      chart("Token length (estimated)", "token-histogram");
  private final TableView<DatasetFolder.Skip> skipped = new TableView<>();
  private final TableView<DatasetFolder.Secret> secrets = new TableView<>();
  private final Tab secretsTab;

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
    trained.setId("dataset-trained");
    trainedView.setFitToWidth(true);
    trainedView.setVisible(false);
    legend.setId("dataset-trained-legend");
    samples.getSelectionModel().selectedItemProperty().addListener((o, a, s) -> showSample(s));
    VBox viewer = new VBox(4, legend, new StackPane(code, trainedView));
    VBox.setVgrow(viewer.getChildren().get(1), Priority.ALWAYS);
    SplitPane preview = new SplitPane(samples, viewer);
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
    skipped
        .getColumns()
        .add(Columns.text("Count", 80, k -> String.format(Locale.ROOT, "%,d", k.count())));
    skipped.getColumns().add(Columns.text("Path", 300, DatasetFolder.Skip::path));
    skipped.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    skipped.setPlaceholder(new Label("Nothing was skipped"));

    // Where each secret was, never the secret: stats.json does not hold it either.
    secrets.setId("dataset-secrets");
    secrets.getColumns().add(Columns.text("File and line", 320, DatasetFolder.Secret::place));
    secrets.getColumns().add(Columns.text("Kind", 160, DatasetFolder.Secret::kind));
    secrets.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    secrets.setPlaceholder(new Label("No secrets found"));
    secretsTab = tab("Secrets", secrets, "tab-secrets");

    TabPane tabs =
        new TabPane(
            tab("Samples", preview, "tab-samples"),
            tab("Charts", charts, "tab-charts"),
            tab("Skipped", skipped, "tab-skipped"),
            secretsTab);
    tabs.setId("dataset-tabs");
    VBox.setVgrow(tabs, Priority.ALWAYS);
    root.setPadding(new Insets(8));
    root.getChildren().addAll(summary, tabs);
  }

  /**
   * The selected sample: code as text; a chat sample as its template rendering with the trained
   * (assistant) spans in bold and the untrained ones in grey.
   */
  private void showSample(Sample s) {
    code.setText(s == null ? "" : s.text());
    var segments = s == null ? null : spans.get(s);
    boolean chat = segments != null && !segments.isEmpty();
    trainedView.setVisible(chat);
    code.setVisible(!chat);
    if (chat) TrainedSpans.fill(trained, segments);
    legend.setText(
        s == null
            ? ""
            : s.kind() == dev.anneal.data.sample.SampleKind.CHAT
                ? (chat
                    ? "Trained tokens in bold colour (the assistant's turns); muted: prompt and template markers, no loss"
                    : "The chat template refuses this conversation: prepare will stop on it")
                : "Every token of this sample is trained");
  }

  /** Shows a dataset folder, or nothing. */
  void show(DatasetFolder f) {
    if (f == null) return;
    spans = f.spans();
    DatasetFolder.Stats st = f.stats();
    String tokens =
        f.meta() == null
            ? "not prepared (no token shards yet)"
            : String.format(
                    Locale.ROOT,
                    "%,d train + %,d val tokens, vocab %,d, sequences of %d, %,d FIM documents",
                    f.meta().trainTokens(),
                    f.meta().valTokens(),
                    f.meta().vocabSize(),
                    f.meta().seqLen(),
                    f.meta().fimDocuments())
                + (f.meta().trainedTokens() < 0
                    ? ""
                    : String.format(
                        Locale.ROOT,
                        ", loss mask: %,d tokens trained, %,d masked",
                        f.meta().trainedTokens(),
                        f.meta().maskedTokens()));
    summary.setText(
        String.format(
            Locale.ROOT,
            "%s: %,d samples from %,d files (~%,d tokens estimated); duplicates removed %,d exact, %,d near; %s%s",
            f.dir().getFileName(),
            f.samples(),
            st.filesScanned(),
            st.estimatedTokens(),
            st.exactDuplicates(),
            st.nearDuplicates(),
            tokens,
            f.samples() > f.preview().size()
                ? " · preview shows the first " + f.preview().size()
                : ""));
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
    secrets.getItems().setAll(st.secrets());
    String done =
        switch (st.secretPolicy()) {
          case "mask" -> "masked";
          case "drop" -> "their files dropped";
          case "keep" -> "kept in the samples";
          default -> "";
        };
    secretsTab.setText(
        st.secrets().isEmpty()
            ? "Secrets"
            : String.format(Locale.ROOT, "Secrets (%,d, %s)", st.secrets().size(), done));
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
