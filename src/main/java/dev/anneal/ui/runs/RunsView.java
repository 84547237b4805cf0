package dev.anneal.ui.runs;

import dev.anneal.export.gguf.GgufType;
import dev.anneal.ui.fx.Columns;
import java.io.File;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Alert;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.util.StringConverter;

/**
 * Runs: a table of the workspace's runs with open, resume, delete (after a confirmation), open
 * folder, export, and a comparison of two or more selected runs. Polls the runs folder while shown.
 * Layout and bindings only.
 */
public final class RunsView {
  private static final DateTimeFormatter STARTED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault());
  private final BorderPane root = new BorderPane();
  private final RunsViewModel vm;

  public RunsView(RunsViewModel vm) {
    this.vm = vm;
    TableView<RunSummary> table = new TableView<>(vm.runs());
    table.setId("runs-table");
    table.getColumns().add(Columns.text("Name", 260, RunSummary::name));
    table.getColumns().add(Columns.text("Preset", 120, RunSummary::preset));
    table.getColumns().add(Columns.text("Status", 100, RunSummary::status));
    table.getColumns().add(Columns.text("Steps", 110, r -> r.step() + " / " + r.steps()));
    table
        .getColumns()
        .add(
            Columns.text(
                "Best val loss",
                110,
                r ->
                    Double.isNaN(r.bestValLoss())
                        ? "–"
                        : String.format(Locale.ROOT, "%.4f", r.bestValLoss())));
    table
        .getColumns()
        .add(
            Columns.text(
                "Started", 140, r -> r.started() == null ? "" : STARTED.format(r.started())));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.setPlaceholder(new Label("No runs yet: start one in Train"));
    table.setRowFactory(
        t -> {
          TableRow<RunSummary> row =
              new TableRow<>() {
                @Override
                protected void updateItem(RunSummary r, boolean empty) {
                  super.updateItem(r, empty);
                  setTooltip(
                      empty || r == null || r.problem() == null ? null : new Tooltip(r.problem()));
                }
              };
          row.setOnMouseClicked(
              e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) vm.open(row.getItem());
              });
          return row;
        });
    // Several rows may be chosen to compare; the last one clicked is the one the actions use.
    table.getSelectionModel().setSelectionMode(javafx.scene.control.SelectionMode.MULTIPLE);
    table
        .getSelectionModel()
        .selectedItemProperty()
        .addListener((o, a, r) -> vm.selectedProperty().set(r));
    vm.selectedProperty()
        .addListener(
            (o, a, r) -> {
              if (table.getSelectionModel().getSelectedItem() != r)
                table.getSelectionModel().select(r);
            });

    Button open = action("Open", "runs-open", () -> vm.open(vm.selectedProperty().get()));
    Button resume = action("Resume", "runs-resume", () -> vm.resume(vm.selectedProperty().get()));
    Button delete = action("Delete…", "runs-delete", this::confirmDelete);
    Button folder =
        action("Open folder", "runs-folder", () -> vm.openFolder(vm.selectedProperty().get()));
    Button model = action("Export model…", "runs-export-model", () -> chooseAndExport(false));
    Button gguf = action("Export GGUF…", "runs-export-gguf", this::chooseAndExportGguf);
    ChoiceBox<GgufType> ggufType =
        new ChoiceBox<>(FXCollections.observableArrayList(GgufType.values()));
    ggufType.setId("runs-gguf-type");
    ggufType.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(GgufType t) {
            return t == null ? "" : t.label();
          }

          @Override
          public GgufType fromString(String s) {
            return GgufType.parse(s);
          }
        });
    ggufType.valueProperty().bindBidirectional(vm.ggufTypeProperty());
    CheckBox ollama = new CheckBox("Ollama Modelfile");
    ollama.setId("runs-gguf-ollama");
    ollama.selectedProperty().bindBidirectional(vm.ollamaProperty());
    Button bundle = action("Export DeepSpeed…", "runs-export-bundle", () -> chooseAndExport(true));
    bundle.disableProperty().bind(vm.selectedProperty().map(r -> !r.cluster()).orElse(true));
    Button compare = new Button("Compare");
    compare.setId("runs-compare-button");
    compare.setTooltip(
        new Tooltip("Select two or more runs (Ctrl+click) to chart them on shared axes"));
    compare
        .disableProperty()
        .bind(
            javafx.beans.binding.Bindings.size(table.getSelectionModel().getSelectedItems())
                .lessThan(2));
    compare.setOnAction(e -> vm.compare(List.copyOf(table.getSelectionModel().getSelectedItems())));
    Button refresh = new Button("Refresh");
    refresh.setOnAction(e -> vm.refresh());
    HBox actions =
        new HBox(
            8, open, resume, delete, folder, model, gguf, ggufType, ollama, bundle, compare,
            refresh);
    actions.setPadding(new Insets(8));
    Label message = new Label();
    message.setId("runs-message");
    message.setWrapText(true);
    message.textProperty().bind(vm.messageProperty());
    message.setPadding(new Insets(6, 8, 8, 8));

    RunCompareView comparison = new RunCompareView(vm.comparisonProperty());
    root.setTop(actions);
    root.setCenter(table);
    root.setBottom(new javafx.scene.layout.VBox(comparison.root(), message));
    BorderPane.setMargin(table, new Insets(0, 8, 0, 8));
    // Poll only while shown: the shell takes a hidden section out of the scene.
    root.sceneProperty()
        .addListener(
            (o, a, scene) -> {
              if (scene != null) vm.startPolling(Duration.ofSeconds(3));
              else vm.stopPolling();
            });
  }

  private Button action(String text, String id, Runnable command) {
    Button b = new Button(text);
    b.setId(id);
    b.disableProperty().bind(vm.selectedProperty().isNull());
    b.setOnAction(e -> command.run());
    return b;
  }

  private void confirmDelete() {
    RunSummary run = vm.selectedProperty().get();
    Alert confirm =
        new Alert(
            Alert.AlertType.CONFIRMATION,
            "Delete " + run.dir() + " with its checkpoints and metrics? This cannot be undone.",
            ButtonType.CANCEL,
            ButtonType.OK);
    confirm.setHeaderText("Delete the run " + run.name() + "?");
    confirm.initOwner(root.getScene().getWindow());
    confirm.showAndWait().filter(b -> b == ButtonType.OK).ifPresent(b -> vm.delete(run));
  }

  private void chooseAndExport(boolean bundle) {
    RunSummary run = vm.selectedProperty().get();
    DirectoryChooser c = new DirectoryChooser();
    c.setTitle(
        bundle ? "Folder to hold the DeepSpeed bundle" : "Folder to hold the exported model");
    File parent = c.showDialog(root.getScene().getWindow());
    if (parent == null) return;
    var out = parent.toPath().resolve(run.name() + (bundle ? "-deepspeed" : "-hf"));
    if (bundle) vm.exportBundle(run, out);
    else vm.exportModel(run, out);
  }

  private void chooseAndExportGguf() {
    RunSummary run = vm.selectedProperty().get();
    FileChooser c = new FileChooser();
    c.setTitle("GGUF file to write");
    c.setInitialFileName(run.name() + "-" + vm.ggufTypeProperty().get().label() + ".gguf");
    c.getExtensionFilters().add(new FileChooser.ExtensionFilter("GGUF", "*.gguf"));
    File file = c.showSaveDialog(root.getScene().getWindow());
    if (file != null) vm.exportGguf(run, file.toPath());
  }

  public Parent root() {
    return root;
  }
}
