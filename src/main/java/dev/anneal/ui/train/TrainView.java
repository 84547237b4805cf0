package dev.anneal.ui.train;

import eu.hansolo.tilesfx.Tile;
import eu.hansolo.tilesfx.TileBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/** Train: pick a preset and dataset, start, pause, stop, resume; tiles, charts, heatmap, log. */
public final class TrainView {
  private final BorderPane root = new BorderPane();

  public TrainView(TrainViewModel vm) {
    ComboBox<String> preset = new ComboBox<>(vm.presets());
    preset.setId("train-preset");
    preset.valueProperty().bindBidirectional(vm.presetProperty());
    ComboBox<Path> dataset = new ComboBox<>(vm.datasets());
    dataset.setId("train-dataset");
    dataset.valueProperty().bindBidirectional(vm.datasetProperty());
    dataset.setPromptText("sample dataset (built on start)");
    dataset.setConverter(new StringConverter<>() {
      @Override
      public String toString(Path p) {
        return p == null ? "sample dataset (built on start)" : p.getFileName().toString();
      }

      @Override
      public Path fromString(String s) {
        return null;
      }
    });
    Button start = button("Start", "train-start", "Start a new run (Ctrl+Enter)", vm::start);
    Button pause = button("Pause", "train-pause", "Pause between steps", () -> {
      if (vm.pausedProperty().get()) vm.resumePaused();
      else vm.pause();
    });
    pause.textProperty().bind(Bindings.when(vm.pausedProperty()).then("Continue").otherwise("Pause"));
    Button stop = button("Stop", "train-stop", "Save a checkpoint, then stop", vm::stop);
    Button cancel = button("Cancel", "train-cancel", "Stop now, without a checkpoint", vm::cancel);
    start.disableProperty().bind(vm.runningProperty().or(vm.presetProperty().isNull()));
    preset.disableProperty().bind(vm.runningProperty());
    dataset.disableProperty().bind(vm.runningProperty());
    pause.disableProperty().bind(vm.runningProperty().not());
    stop.disableProperty().bind(vm.runningProperty().not());
    cancel.disableProperty().bind(vm.runningProperty().not());
    Button follow = button("Follow folder…", "train-follow",
        "Chart a run folder as it grows: a DeepSpeed bundle's output, any HF Trainer folder", () -> {
          javafx.stage.DirectoryChooser chooser = new javafx.stage.DirectoryChooser();
          chooser.setTitle("A run folder to follow (metrics.jsonl or trainer_state.json)");
          var dir = chooser.showDialog(root.getScene().getWindow());
          if (dir != null) vm.open(dir.toPath());
        });
    follow.disableProperty().bind(vm.runningProperty());
    ProgressBar progress = new ProgressBar();
    progress.setId("train-progress");
    progress.progressProperty().bind(vm.progressProperty());
    progress.setPrefWidth(180);
    Label status = new Label();
    status.setId("train-status");
    status.textProperty().bind(vm.statusProperty());
    preset.setPrefWidth(220);
    dataset.setPrefWidth(240);
    Label presetLabel = new Label("Preset");
    Label dataLabel = new Label("Data");
    HBox bar = new HBox(8, presetLabel, preset, dataLabel, dataset, start, pause, stop, cancel, follow);
    for (var n : bar.getChildren()) {
      if (n instanceof javafx.scene.control.Control c) c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    }
    bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    HBox statusRow = new HBox(8, progress, status);
    statusRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    VBox top = new VBox(6, bar, statusRow);
    top.setPadding(new Insets(8));
    root.setTop(top);
    // Ctrl+Enter starts, as the Start button's tooltip says.
    root.sceneProperty().addListener((o, a, scene) -> {
      if (scene != null) {
        scene.getAccelerators().put(new javafx.scene.input.KeyCodeCombination(javafx.scene.input.KeyCode.ENTER,
            javafx.scene.input.KeyCombination.SHORTCUT_DOWN), () -> {
              if (!start.isDisabled() && root.isVisible() && root.getScene() == scene) vm.start();
            });
      }
    });

    RunCharts c = vm.charts();
    Tile stepTile = tile("Step", "");
    Tile speedTile = tile("Tokens / s", "");
    Tile etaTile = tile("Time left", "");
    Tile lossTile = tile("Loss", "");
    Tile memoryTile = tile("Memory", "MB");
    c.stepProperty().addListener((o, a, v) -> stepTile.setValue(v.doubleValue()));
    c.tokensPerSProperty().addListener((o, a, v) -> speedTile.setValue(v.doubleValue()));
    c.lossProperty().addListener((o, a, v) -> lossTile.setValue(Double.isNaN(v.doubleValue()) ? 0 : v.doubleValue()));
    c.memoryMbProperty().addListener((o, a, v) -> memoryTile.setValue(v.doubleValue()));
    c.etaProperty().addListener((o, a, v) -> etaTile.setDescription(
        v.doubleValue() < 0 ? "" : RunCharts.duration(v.doubleValue())));
    lossTile.setDecimals(3);
    HBox tiles = new HBox(8, stepTile, speedTile, etaTile, lossTile, memoryTile);
    tiles.setPadding(new Insets(0, 8, 8, 8));

    LineChart<Number, Number> loss = chart("Loss", "chart-loss", List.of(c.trainLoss().series(),
        c.valLoss().series(), c.checkpoints().series(), c.nanSkips().series(), c.rollbacks().series()));
    loss.getStyleClass().add("loss-chart");
    LineChart<Number, Number> grad = chart("Gradient norm (bands at 5 and 10)", "chart-grad",
        List.of(c.gradNorm().series()));
    addBand(grad, c.gradNorm().series(), 5, "warning");
    addBand(grad, c.gradNorm().series(), 10, "critical");
    LineChart<Number, Number> lr = chart("Learning rate", "chart-lr", List.of(c.lr().series()));
    ExpertHeatmap heatmap = new ExpertHeatmap();
    heatmap.setId("expert-heatmap");
    c.expertHistoryProperty().addListener((o, a, h) -> heatmap.show(h));
    ListView<String> log = new ListView<>(c.log());
    log.setId("train-log");
    c.log().addListener((javafx.collections.ListChangeListener<String>) ch -> {
      if (!c.log().isEmpty()) log.scrollTo(c.log().size() - 1);
    });

    GridPane grid = new GridPane(8, 8);
    grid.setPadding(new Insets(0, 8, 8, 8));
    grid.add(loss, 0, 0);
    grid.add(grad, 1, 0);
    grid.add(lr, 0, 1);
    VBox side = new VBox(4, new Label("Expert usage (layer × expert, over time)"), heatmap);
    VBox.setVgrow(heatmap, Priority.ALWAYS);
    grid.add(side, 1, 1);
    for (var n : List.of(loss, grad, lr, side)) {
      GridPane.setHgrow(n, Priority.ALWAYS);
      GridPane.setVgrow(n, Priority.ALWAYS);
    }
    BorderPane center = new BorderPane(grid);
    center.setTop(tiles);
    log.setPrefHeight(140);
    center.setBottom(log);
    root.setCenter(center);
  }

  private static Button button(String text, String id, String tip, Runnable action) {
    Button b = new Button(text);
    b.setId(id);
    b.setTooltip(new Tooltip(tip));
    b.setOnAction(e -> action.run());
    return b;
  }

  private static Tile tile(String title, String unit) {
    Tile t = TileBuilder.create().skinType(Tile.SkinType.NUMBER).title(title).unit(unit)
        .decimals(0).prefSize(170, 110).build();
    t.setAnimated(false);
    return t;
  }

  private static LineChart<Number, Number> chart(String title, String id,
      List<XYChart.Series<Number, Number>> series) {
    NumberAxis x = new NumberAxis();
    x.setLabel("step");
    x.setForceZeroInRange(false);
    NumberAxis y = new NumberAxis();
    y.setForceZeroInRange(false);
    LineChart<Number, Number> chart = new LineChart<>(x, y);
    chart.setId(id);
    chart.setTitle(title);
    chart.setAnimated(false);
    chart.setCreateSymbols(false);
    chart.getData().addAll(series);
    chart.setMinHeight(180);
    return chart;
  }

  /** A horizontal reference line spanning the steps of {@code data} (the gradient norms). */
  private static void addBand(LineChart<Number, Number> chart, XYChart.Series<Number, Number> data,
      double level, String name) {
    XYChart.Series<Number, Number> band = new XYChart.Series<>();
    band.setName(String.format(Locale.ROOT, "%s (%.0f)", name, level));
    chart.getData().add(band);
    // Follows the data's first and last step, not the axis bounds: those are computed from the
    // band too, and tracking them would feed back.
    data.getData().addListener((javafx.collections.ListChangeListener<XYChart.Data<Number, Number>>) c -> {
      var d = data.getData();
      if (d.isEmpty()) {
        band.getData().clear();
        return;
      }
      band.getData().setAll(List.of(new XYChart.Data<>(d.getFirst().getXValue(), level),
          new XYChart.Data<>(d.getLast().getXValue(), level)));
    });
  }

  public Parent root() {
    return root;
  }
}
