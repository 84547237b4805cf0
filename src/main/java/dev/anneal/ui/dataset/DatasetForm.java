package dev.anneal.ui.dataset;

import static dev.anneal.ui.dataset.FormControls.doubleSpinner;
import static dev.anneal.ui.dataset.FormControls.intSpinner;

import dev.anneal.data.sample.Language;
import dev.anneal.data.sample.SampleKind;
import java.io.File;
import java.nio.file.Path;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.RadioButton;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/** The settings column of the Datasets view: every control bound to {@link DatasetSettings}. */
final class DatasetForm {
  private final VBox root = new VBox(8);
  private final DatasetSettings s;

  private final Path workspace;

  DatasetForm(DatasetSettings s, Path workspace) {
    this.s = s;
    this.workspace = workspace;
    root.setPadding(new Insets(4, 8, 8, 8));
    root.getChildren()
        .addAll(
            heading("Sources"),
            sources(),
            heading("Languages"),
            languages(),
            heading("Sample kinds"),
            kinds(),
            heading("Samples, dedup and FIM"),
            numbers(),
            heading("Tokenizer"),
            tokenizer());
  }

  private Node sources() {
    ListView<Path> list = new ListView<>(s.sources());
    list.setId("dataset-sources");
    list.setPrefHeight(64);
    list.setCellFactory(
        l ->
            new javafx.scene.control.ListCell<>() {
              @Override
              protected void updateItem(Path item, boolean empty) {
                super.updateItem(item, empty);
                setText(
                    empty || item == null
                        ? null
                        : dev.anneal.ui.fx.WorkspacePaths.shown(workspace, item));
              }
            });
    Button add = new Button("Add folder…");
    add.setId("dataset-add-source");
    add.setOnAction(
        e -> {
          DirectoryChooser c = new DirectoryChooser();
          c.setTitle("Add a source folder");
          File dir = c.showDialog(root.getScene().getWindow());
          if (dir != null && !s.sources().contains(dir.toPath())) s.sources().add(dir.toPath());
        });
    Button remove = new Button("Remove");
    remove.disableProperty().bind(list.getSelectionModel().selectedItemProperty().isNull());
    remove.setOnAction(e -> s.sources().remove(list.getSelectionModel().getSelectedItem()));
    return new VBox(4, list, new HBox(6, add, remove));
  }

  private Node languages() {
    FlowPane pane = new FlowPane(8, 4);
    for (Language l : Language.values()) {
      CheckBox c = new CheckBox(l.id());
      c.setId("lang-" + l.id());
      c.selectedProperty().bindBidirectional(s.language(l));
      pane.getChildren().add(c);
    }
    return pane;
  }

  private Node kinds() {
    FlowPane pane = new FlowPane(8, 4);
    for (SampleKind k : SampleKind.values()) {
      CheckBox c = new CheckBox(KindLabels.of(k));
      c.setId("kind-" + k.id());
      c.selectedProperty().bindBidirectional(s.kind(k));
      pane.getChildren().add(c);
    }
    return pane;
  }

  private Node numbers() {
    GridPane g = grid();
    CheckBox near = new CheckBox("Near-duplicates above");
    near.setId("dataset-near-dedup");
    near.selectedProperty().bindBidirectional(s.nearDedupProperty());
    var threshold = doubleSpinner("dataset-near-dup", s.nearDupThresholdProperty(), 0.05, 1, 0.05);
    threshold.disableProperty().bind(near.selectedProperty().not());
    row(
        g,
        0,
        new Label("Token limit per sample"),
        intSpinner("dataset-max-tokens", s.maxTokensProperty(), 16, 1 << 20, 256));
    row(g, 1, near, threshold);
    row(
        g,
        2,
        new Label("FIM rate"),
        doubleSpinner("dataset-fim-rate", s.fimRateProperty(), 0, 1, 0.1));
    row(
        g,
        3,
        new Label("FIM SPM share"),
        doubleSpinner("dataset-fim-spm", s.fimSpmRateProperty(), 0, 1, 0.1));
    row(
        g,
        4,
        new Label("Sequence length"),
        intSpinner("dataset-seq-len", s.seqLenProperty(), 2, 1 << 20, 64));
    row(
        g,
        5,
        new Label("Validation share"),
        doubleSpinner("dataset-val", s.valFractionProperty(), 0, 0.95, 0.05));
    return g;
  }

  private Node tokenizer() {
    ToggleGroup group = new ToggleGroup();
    RadioButton train = new RadioButton("Train, vocabulary");
    train.setId("tokenizer-train");
    RadioButton load = new RadioButton("Load");
    load.setId("tokenizer-load");
    train.setToggleGroup(group);
    load.setToggleGroup(group);
    train.setSelected(s.trainTokenizerProperty().get());
    load.setSelected(!s.trainTokenizerProperty().get());
    train.selectedProperty().addListener((o, a, b) -> s.trainTokenizerProperty().set(b));
    s.trainTokenizerProperty().addListener((o, a, b) -> (b ? train : load).setSelected(true));
    var vocab = intSpinner("tokenizer-vocab", s.vocabSizeProperty(), 262, 1 << 20, 1024);
    vocab.disableProperty().bind(train.selectedProperty().not());
    TextField file = new TextField();
    file.setId("tokenizer-file");
    file.setPromptText("tokenizer.json");
    file.textProperty().bindBidirectional(s.tokenizerFileProperty());
    file.disableProperty().bind(load.selectedProperty().not());
    Button browse = new Button("…");
    browse.disableProperty().bind(load.selectedProperty().not());
    browse.setOnAction(
        e -> {
          FileChooser c = new FileChooser();
          c.getExtensionFilters().add(new FileChooser.ExtensionFilter("tokenizer.json", "*.json"));
          File f = c.showOpenDialog(root.getScene().getWindow());
          if (f != null) s.tokenizerFileProperty().set(f.toString());
        });
    GridPane g = grid();
    row(g, 0, train, vocab);
    row(g, 1, load, new HBox(4, file, browse));
    return g;
  }

  /** The output name, shown next to Build rather than at the end of the scrolled form. */
  Node output() {
    TextField name = new TextField();
    name.setId("dataset-output");
    name.setPrefColumnCount(14);
    name.textProperty().bindBidirectional(s.outputNameProperty());
    GridPane g = grid();
    row(g, 0, new Label("Output  datasets/"), name);
    return g;
  }

  private static GridPane grid() {
    GridPane g = new GridPane();
    g.setHgap(8);
    g.setVgap(4);
    return g;
  }

  private static void row(GridPane g, int r, Node label, Node control) {
    g.add(label, 0, r);
    g.add(control, 1, r);
  }

  private static Label heading(String text) {
    Label l = new Label(text);
    l.getStyleClass().add("form-heading");
    return l;
  }

  Node root() {
    return root;
  }
}
