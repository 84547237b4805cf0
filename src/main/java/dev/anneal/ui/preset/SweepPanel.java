package dev.anneal.ui.preset;

import dev.anneal.sweep.SweepRun;
import dev.anneal.ui.dataset.DatasetFolder;
import dev.anneal.ui.fx.Columns;
import java.nio.file.Path;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Presets' sweep: dataset, grid and steps, Start/Stop, progress, and the runs ranked. Layout only.
 */
public final class SweepPanel {
  private final TitledPane root;

  public SweepPanel(SweepViewModel vm) {
    ComboBox<Path> data = new ComboBox<>();
    data.setId("sweep-dataset");
    data.setPromptText("prepared dataset");
    try {
      DatasetFolder.list(vm.workspace().datasetsDir()).stream()
          .filter(DatasetFolder.Entry::prepared)
          .forEach(e -> data.getItems().add(e.dir()));
    } catch (java.io.IOException e) {
      vm.messageProperty().set("Cannot list datasets: " + e.getMessage());
    }
    data.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(Path p) {
            return p == null ? "" : p.getFileName().toString();
          }

          @Override
          public Path fromString(String s) {
            return null;
          }
        });
    data.valueProperty().bindBidirectional(vm.datasetProperty());
    if (vm.datasetProperty().get() == null && !data.getItems().isEmpty())
      data.setValue(data.getItems().getFirst());
    TextField grid = new TextField();
    grid.setId("sweep-grid");
    grid.setPrefColumnCount(28);
    grid.textProperty().bindBidirectional(vm.gridProperty());
    TextField steps = new TextField();
    steps.setId("sweep-steps");
    steps.setPromptText("preset's");
    steps.setPrefColumnCount(6);
    steps
        .textProperty()
        .addListener(
            (o, a, t) -> {
              try {
                vm.stepsProperty().set(t.isBlank() ? null : Integer.valueOf(t.strip()));
              } catch (NumberFormatException e) {
                vm.stepsProperty().set(-1); // refused with a message on Start
              }
            });
    Button start = new Button("Start sweep");
    start.setId("sweep-start");
    start.disableProperty().bind(vm.runningProperty());
    start.setOnAction(e -> vm.start());
    Button stop = new Button("Stop");
    stop.setId("sweep-stop");
    stop.disableProperty().bind(vm.runningProperty().not());
    stop.setOnAction(e -> vm.stop());
    ProgressBar bar = new ProgressBar();
    bar.setId("sweep-progress");
    bar.progressProperty().bind(vm.progressProperty());
    bar.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(bar, Priority.ALWAYS);
    Label message = new Label();
    message.setId("sweep-message");
    message.setWrapText(true);
    message.textProperty().bind(vm.messageProperty());
    TableView<SweepRun> table = new TableView<>(vm.results());
    table.setId("sweep-results");
    table.getColumns().add(Columns.text("Settings", 220, SweepViewModel::settings));
    table.getColumns().add(Columns.text("Best val", 80, r -> loss(r.bestValLoss())));
    table.getColumns().add(Columns.text("Final loss", 80, r -> loss(r.finalLoss())));
    table.getColumns().add(Columns.text("Status", 90, SweepRun::status));
    table
        .getColumns()
        .add(
            Columns.text(
                "Run", 200, r -> r.run() == null ? "" : Path.of(r.run()).getFileName().toString()));
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.setPrefHeight(130);
    table.setPlaceholder(new Label("Runs appear here, best validation loss first"));
    HBox form =
        new HBox(
            6,
            new Label("Data"),
            data,
            new Label("Grid"),
            grid,
            new Label("Steps"),
            steps,
            start,
            stop);
    VBox box = new VBox(6, form, bar, message, table);
    box.setPadding(new Insets(6));
    root = new TitledPane("Sweep this preset", box);
    root.setId("sweep-panel");
    root.setExpanded(false);
  }

  private static String loss(double v) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "–";
  }

  public Node root() {
    return root;
  }
}
