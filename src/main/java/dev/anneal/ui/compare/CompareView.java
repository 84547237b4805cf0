package dev.anneal.ui.compare;

import dev.anneal.infer.PromptLibrary.SavedPrompt;
import dev.anneal.ui.compare.CompareEvaluation.ColourBy;
import dev.anneal.ui.compare.CompareEvaluation.TokenDiff;
import java.io.File;
import javafx.beans.property.Property;
import javafx.beans.property.StringProperty;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextArea;
import javafx.scene.control.TextField;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.scene.text.TextFlow;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;

/**
 * The Compare view: layout and bindings over {@link CompareViewModel} and its parts, the sampling
 * form and the evaluation pane.
 */
public final class CompareView {
  private final BorderPane root = new BorderPane();
  private final CompareViewModel vm;

  /**
   * Bidirectional bindings hold their ends weakly; the asObject() adapters live as long as the
   * view.
   */
  private final java.util.List<Property<?>> adapters = new java.util.ArrayList<>();

  public CompareView(CompareViewModel vm) {
    this.vm = vm;
    VBox top = new VBox(8, models(), promptRow(), settings());
    VBox panes = new VBox(8, outputs(), evaluation());
    VBox.setVgrow(panes.getChildren().getFirst(), Priority.ALWAYS);
    VBox content = new VBox(10, top, panes);
    VBox.setVgrow(panes, Priority.ALWAYS);
    content.setPadding(new Insets(12));
    root.setCenter(content);
    Label status = new Label();
    status.setId("compare-status");
    status.textProperty().bind(vm.statusProperty());
    status.setPadding(new Insets(4, 12, 6, 12));
    root.setBottom(status);
  }

  public Parent root() {
    return root;
  }

  private Node models() {
    HBox row =
        new HBox(
            10,
            picker("Base", "base-model", vm.baseModelProperty()),
            picker("Tuned (model or adapter)", "tuned-model", vm.tunedModelProperty()));
    row.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
    return row;
  }

  /** An editable list of the workspace's runs, and a button for any folder. */
  private Node picker(String title, String id, StringProperty target) {
    ComboBox<String> box = new ComboBox<>(vm.modelChoices());
    box.setId(id);
    box.setEditable(true);
    box.setMaxWidth(Double.MAX_VALUE);
    box.setPromptText("a run, checkpoint, HF folder or PEFT adapter");
    box.valueProperty().bindBidirectional(target);
    box.setOnShowing(e -> vm.refreshModelChoices());
    // The list shows runs and checkpoints by their name under the runs folder, not the full path
    // (which would hide the name and widen the list past the window).
    box.setCellFactory(
        l ->
            new ListCell<>() {
              @Override
              protected void updateItem(String item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : vm.choiceLabel(item));
              }
            });
    // The field shows the same short name as the list; typed text is read as a choice's name or a
    // path.
    box.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(String choice) {
            return vm.choiceLabel(choice);
          }

          @Override
          public String fromString(String text) {
            return vm.choiceOf(text);
          }
        });
    box.setPrefWidth(200);
    box.setMinWidth(120);
    // After a pick, show the end of the path: the run and checkpoint names.
    target.addListener(
        (o, a, b) -> javafx.application.Platform.runLater(() -> box.getEditor().end()));
    Button browse = new Button("Folder…");
    browse.setMinWidth(Region.USE_PREF_SIZE);
    browse.setOnAction(
        e -> {
          File dir = new DirectoryChooser().showDialog(root.getScene().getWindow());
          if (dir != null) target.set(dir.getPath());
        });
    Label name = new Label(title);
    name.setId(id + "-label");
    name.setMinWidth(Region.USE_PREF_SIZE);
    HBox row = new HBox(6, name, box, browse);
    row.setAlignment(Pos.CENTER_LEFT);
    HBox.setHgrow(box, Priority.ALWAYS);
    return row;
  }

  private Node promptRow() {
    CompareSampling sampling = vm.sampling();
    ComboBox<SavedPrompt> library = new ComboBox<>(vm.prompts());
    library.setId("prompt-library");
    library.setPromptText("Prompt library");
    library.setCellFactory(l -> new NameCell());
    library.setButtonCell(new NameCell());
    library.setOnAction(
        e -> {
          if (library.getValue() != null) sampling.usePrompt(library.getValue());
        });
    TextField name = new TextField();
    name.setPromptText("name");
    name.setPrefColumnCount(12);
    Button save = new Button("Save prompt");
    save.setOnAction(e -> vm.savePrompt(name.getText()));
    CheckBox fim = new CheckBox("Fill in the middle");
    fim.setId("fim");
    fim.selectedProperty().bindBidirectional(sampling.fimProperty());
    CheckBox chat = new CheckBox("Chat");
    chat.setId("chat");
    chat.setTooltip(
        new javafx.scene.control.Tooltip(
            "Send the prompt as a user's message through the model's chat template"));
    chat.selectedProperty().bindBidirectional(sampling.chatProperty());
    HBox tools = new HBox(8, library, name, save, fim, chat);
    tools.setAlignment(Pos.CENTER_LEFT);

    TextArea prompt = monospace(new TextArea());
    prompt.setId("prompt");
    prompt.setPrefRowCount(4);
    prompt.textProperty().bindBidirectional(sampling.promptProperty());
    TextArea suffix = monospace(new TextArea());
    suffix.setId("suffix");
    suffix.setPrefRowCount(4);
    suffix.setPromptText("text after the hole (FIM)");
    suffix.textProperty().bindBidirectional(sampling.suffixProperty());
    suffix.visibleProperty().bind(sampling.fimProperty());
    suffix.managedProperty().bind(sampling.fimProperty());
    HBox texts = new HBox(8, prompt, suffix);
    HBox.setHgrow(prompt, Priority.ALWAYS);
    HBox.setHgrow(suffix, Priority.ALWAYS);
    return new VBox(6, tools, texts);
  }

  private Node settings() {
    CompareSampling sampling = vm.sampling();
    Spinner<Double> temperature = new Spinner<>(0.0, 5.0, 0.7, 0.1);
    bind(temperature, sampling.temperatureProperty().asObject());
    Spinner<Integer> topK = new Spinner<>(0, 100_000, 50, 5);
    bind(topK, sampling.topKProperty().asObject());
    Spinner<Double> topP = new Spinner<>(0.01, 1.0, 0.95, 0.05);
    bind(topP, sampling.topPProperty().asObject());
    Spinner<Double> penalty = new Spinner<>(0.5, 3.0, 1.0, 0.05);
    bind(penalty, sampling.repetitionPenaltyProperty().asObject());
    Spinner<Integer> maxTokens = new Spinner<>(1, 8192, 128, 16);
    maxTokens.setId("max-tokens");
    bind(maxTokens, sampling.maxTokensProperty().asObject());
    TextField stop = new TextField();
    stop.setPromptText("stop texts, | between");
    stop.textProperty().bindBidirectional(sampling.stopProperty());
    TextField seed = new TextField();
    seed.setPrefColumnCount(6);
    seed.setText(Long.toString(sampling.seedProperty().get()));
    seed.textProperty()
        .addListener(
            (o, a, b) -> {
              try {
                sampling.seedProperty().set(Long.parseLong(b.strip()));
              } catch (NumberFormatException e) {
                // keep the last valid seed while the person types
              }
            });
    Button generate = new Button("Generate");
    generate.setId("generate");
    generate.setDefaultButton(true);
    generate.disableProperty().bind(vm.busyProperty());
    generate.setOnAction(e -> vm.generate());
    Button stopButton = new Button("Stop");
    stopButton.setId("stop");
    stopButton.disableProperty().bind(vm.busyProperty().not());
    stopButton.setOnAction(e -> vm.stop());
    HBox row =
        new HBox(
            8,
            labelled("Temperature", temperature),
            labelled("Top-k", topK),
            labelled("Top-p", topP),
            labelled("Repetition", penalty),
            labelled("Max tokens", maxTokens),
            labelled("Stop", stop),
            labelled("Seed", seed),
            generate,
            stopButton);
    row.setAlignment(Pos.BOTTOM_LEFT);
    return row;
  }

  private Node outputs() {
    HBox row =
        new HBox(
            10,
            side("Base", "base", vm.baseTextProperty(), vm.baseSpeedProperty()),
            side("Tuned", "tuned", vm.tunedTextProperty(), vm.tunedSpeedProperty()));
    row.getChildren().forEach(n -> HBox.setHgrow(n, Priority.ALWAYS));
    return row;
  }

  private Node side(String title, String id, StringProperty text, StringProperty speed) {
    Label name = new Label(title);
    name.setStyle("-fx-font-weight: bold;");
    Label tps = new Label();
    tps.setId(id + "-speed");
    tps.textProperty().bind(speed);
    TextArea out = monospace(new TextArea());
    out.setId(id + "-output");
    out.setEditable(false);
    out.setWrapText(true);
    out.textProperty().bind(text);
    VBox box = new VBox(4, new HBox(10, name, tps), out);
    VBox.setVgrow(out, Priority.ALWAYS);
    box.setMaxWidth(Double.MAX_VALUE);
    return box;
  }

  private Node evaluation() {
    CompareEvaluation evaluation = vm.evaluation();
    TextField source = new TextField();
    source.setId("eval-source");
    source.setPromptText("a dataset folder (val split) or a text file");
    source.textProperty().bindBidirectional(evaluation.sourceProperty());
    Button dataset = new Button("Dataset…");
    dataset.setOnAction(
        e -> {
          File dir = new DirectoryChooser().showDialog(root.getScene().getWindow());
          if (dir != null) evaluation.sourceProperty().set(evaluation.shown(dir.toPath()));
        });
    Button file = new Button("File…");
    file.setOnAction(
        e -> {
          File f = new FileChooser().showOpenDialog(root.getScene().getWindow());
          if (f != null) evaluation.sourceProperty().set(evaluation.shown(f.toPath()));
        });
    Button evaluate = new Button("Evaluate");
    evaluate.setId("evaluate");
    evaluate.disableProperty().bind(vm.busyProperty());
    evaluate.setOnAction(e -> vm.evaluate());
    HBox pick = new HBox(6, new Label("Evaluate on"), source, dataset, file, evaluate);
    pick.setAlignment(Pos.CENTER_LEFT);
    HBox.setHgrow(source, Priority.ALWAYS);

    GridPane figures = new GridPane(12, 2);
    figures.addRow(0, new Label("Base"), bound("base-loss", evaluation.baseLossProperty()));
    figures.addRow(1, new Label("Tuned"), bound("tuned-loss", evaluation.tunedLossProperty()));
    Label improvement = bound("improvement", evaluation.improvementProperty());
    improvement.setStyle("-fx-font-weight: bold;");

    ToggleGroup group = new ToggleGroup();
    HBox colours = new HBox(4, new Label("Colour by"));
    colours.setAlignment(Pos.CENTER_LEFT);
    for (ColourBy by : ColourBy.values()) {
      ToggleButton b =
          new ToggleButton(
              switch (by) {
                case BASE -> "Base loss";
                case TUNED -> "Tuned loss";
                case DIFFERENCE -> "Difference (blue: tuning helped, red: hurt)";
              });
      b.setId("colour-" + by.name().toLowerCase(java.util.Locale.ROOT));
      b.setToggleGroup(group);
      b.setSelected(evaluation.colourByProperty().get() == by);
      b.setOnAction(e -> evaluation.colourByProperty().set(by));
      // Colours need per-token losses: a text file has them, a dataset's val split only a mean.
      b.disableProperty().bind(javafx.beans.binding.Bindings.isEmpty(evaluation.perToken()));
      colours.getChildren().add(b);
    }
    TextFlow flow = new TextFlow();
    flow.setId("per-token");
    flow.setPadding(new Insets(6));
    Label hint =
        new Label(
            "Evaluate on a text file (File…) to see it coloured token by token;"
                + " a dataset folder gives the mean loss of its val split.");
    hint.setId("per-token-hint");
    hint.setWrapText(true);
    Runnable redraw =
        () -> {
          if (evaluation.perToken().isEmpty()) flow.getChildren().setAll(hint);
          else PerTokenText.fill(flow, evaluation.perToken(), evaluation.colourByProperty().get());
        };
    redraw.run();
    evaluation.perToken().addListener((ListChangeListener<TokenDiff>) c -> redraw.run());
    evaluation.colourByProperty().addListener((o, a, b) -> redraw.run());
    ScrollPane scroll = new ScrollPane(flow);
    scroll.setFitToWidth(true);
    scroll.setPrefViewportHeight(140);
    scroll.getStyleClass().add("per-token-pane");
    return new VBox(6, pick, new HBox(24, figures, improvement), colours, scroll);
  }

  private static Label bound(String id, StringProperty text) {
    Label l = new Label();
    l.setId(id);
    l.textProperty().bind(text);
    return l;
  }

  private <T> void bind(Spinner<T> spinner, Property<T> value) {
    adapters.add(value);
    spinner.setEditable(true);
    spinner.setPrefWidth(90);
    spinner.getValueFactory().valueProperty().bindBidirectional(value);
  }

  private static Node labelled(String text, Node control) {
    return new VBox(2, new Label(text), control);
  }

  private static TextArea monospace(TextArea area) {
    area.getStyleClass().add("code");
    return area;
  }

  private static final class NameCell extends ListCell<SavedPrompt> {
    @Override
    protected void updateItem(SavedPrompt item, boolean empty) {
      super.updateItem(item, empty);
      setText(empty || item == null ? null : item.name());
    }
  }
}
