package dev.anneal.ui.dataset;

import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * Datasets: the workspace's datasets and the build settings on the left, Build with progress, live
 * counts and Cancel below them, and the opened dataset on the right. Layout and bindings only;
 * everything else is in {@link DatasetsViewModel}.
 */
public final class DatasetsView {
  private final BorderPane root = new BorderPane();

  public DatasetsView(DatasetsViewModel vm) {
    ListView<DatasetFolder.Entry> list = new ListView<>(vm.datasets());
    list.setId("dataset-list");
    list.setPrefHeight(90);
    list.getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, e) -> {
              if (e != null) vm.open(e.dir());
            });
    Button refresh = new Button("Refresh");
    refresh.setOnAction(e -> vm.refresh());
    Label existing = new Label("Datasets of " + vm.workspace().name());
    existing.getStyleClass().add("form-heading");

    DatasetForm form = new DatasetForm(vm.settings(), vm.workspace().root());
    VBox settings = new VBox(6, new HBox(8, existing, refresh), list, form.root());
    settings.setPadding(new Insets(8, 4, 8, 8));
    ScrollPane scroll = new ScrollPane(settings);
    scroll.setFitToWidth(true);
    scroll.setId("dataset-settings");

    Label problems = new Label();
    problems.setId("dataset-problems");
    problems.getStyleClass().add("problems");
    problems.setWrapText(true);
    problems
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> String.join("\n", vm.settings().problems()), vm.settings().problems()));
    Button build = new Button("Build");
    build.setId("dataset-build");
    build.setDefaultButton(true);
    build
        .disableProperty()
        .bind(vm.runningProperty().or(Bindings.isNotEmpty(vm.settings().problems())));
    build.setOnAction(e -> vm.build());
    Button cancel = new Button("Cancel");
    cancel.setId("dataset-cancel");
    cancel.disableProperty().bind(vm.runningProperty().not());
    cancel.setOnAction(e -> vm.cancel());
    ProgressBar bar = new ProgressBar();
    bar.setId("dataset-progress");
    bar.progressProperty().bind(vm.progressProperty());
    bar.setMaxWidth(Double.MAX_VALUE);
    HBox.setHgrow(bar, Priority.ALWAYS);
    Label stage = label("dataset-stage");
    stage.textProperty().bind(vm.stageProperty());
    stage.visibleProperty().bind(vm.runningProperty());
    Label counts = label("dataset-counts");
    counts.textProperty().bind(vm.countsProperty());
    Label message = label("dataset-message");
    message.textProperty().bind(vm.messageProperty());
    VBox actions =
        new VBox(
            4, problems, form.output(), new HBox(8, build, cancel, bar), stage, counts, message);
    actions.setPadding(new Insets(8));

    BorderPane left = new BorderPane(scroll);
    left.setBottom(actions);
    left.setMinWidth(380);

    DatasetContents contents = new DatasetContents();
    vm.openedProperty().addListener((o, a, f) -> contents.show(f));
    contents.show(vm.openedProperty().get());
    SplitPane split = new SplitPane(left, contents.root());
    split.setDividerPositions(0.34);
    root.setCenter(split);
    vm.refresh();
  }

  private static Label label(String id) {
    Label l = new Label();
    l.setId(id);
    l.setWrapText(true);
    return l;
  }

  public Parent root() {
    return root;
  }
}
