package dev.anneal.ui.train;

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
    dataset.setPlaceholder(new Label("No datasets yet: Start builds the sample dataset"));
    dataset.setConverter(
        new StringConverter<>() {
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
    Button pause =
        button(
            "Pause",
            "train-pause",
            "Pause between steps",
            () -> {
              if (vm.pausedProperty().get()) vm.resumePaused();
              else vm.pause();
            });
    pause
        .textProperty()
        .bind(Bindings.when(vm.pausedProperty()).then("Continue").otherwise("Pause"));
    Button stop = button("Stop", "train-stop", "Save a checkpoint, then stop", vm::stop);
    Button resume =
        button(
            "Resume", "train-resume", "Continue this run from its newest checkpoint", vm::resume);
    Button cancel =
        button(
            "Cancel run…",
            "train-cancel",
            "Stop now, without a checkpoint (asks first)",
            () -> {
              if (confirmCancel(root)) vm.cancel();
            });
    start.disableProperty().bind(vm.runningProperty().or(vm.presetProperty().isNull()));
    preset.disableProperty().bind(vm.runningProperty());
    dataset.disableProperty().bind(vm.runningProperty());
    pause.disableProperty().bind(vm.runningProperty().not());
    stop.disableProperty().bind(vm.runningProperty().not());
    cancel.disableProperty().bind(vm.runningProperty().not());
    resume.disableProperty().bind(vm.runningProperty().or(vm.resumableProperty().not()));
    int cores = Runtime.getRuntime().availableProcessors();
    javafx.scene.control.Spinner<Integer> threads =
        new javafx.scene.control.Spinner<>(
            1, Math.max(cores, vm.threadsProperty().get()), vm.threadsProperty().get());
    threads.setId("train-threads");
    threads.setPrefWidth(70);
    threads.setTooltip(
        new Tooltip("CPU threads for training (this machine has " + cores + " cores)"));
    threads.valueProperty().addListener((o, a, n) -> vm.threadsProperty().set(n));
    threads.disableProperty().bind(vm.runningProperty());
    ComboBox<String> device = new ComboBox<>(vm.devices());
    device.setId("train-device");
    device.valueProperty().bindBidirectional(vm.deviceProperty());
    device.setTooltip(
        new Tooltip("Where the run trains: the devices this libtorch found, best first"));
    device.setConverter(
        new StringConverter<>() {
          @Override
          public String toString(String kind) {
            return kind == null
                ? ""
                : switch (kind) {
                  case "cuda" -> "CUDA GPU";
                  case "mps" -> "Apple GPU (MPS)";
                  default -> "CPU";
                };
          }

          @Override
          public String fromString(String s) {
            return null;
          }
        });
    device.disableProperty().bind(vm.runningProperty());
    Button follow =
        button(
            "Follow folder…",
            "train-follow",
            "Chart a run folder as it grows: a DeepSpeed bundle's output, any HF Trainer folder",
            () -> {
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
    // Cancel sits apart from Stop: one keeps the work, the other throws away what is unsaved.
    // A flow wraps onto a second line in a narrow window instead of pushing the view wider.
    HBox pickers =
        new HBox(
            8,
            presetLabel,
            preset,
            dataLabel,
            dataset,
            new Label("Device"),
            device,
            new Label("Threads"),
            threads);
    HBox actions = new HBox(8, start, pause, stop, resume, follow);
    HBox danger = new HBox(cancel);
    danger.setPadding(new Insets(0, 0, 0, 24));
    for (HBox group : List.of(pickers, actions, danger)) {
      group.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
      for (var n : group.getChildren()) {
        if (n instanceof javafx.scene.control.Control c)
          c.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
      }
    }
    javafx.scene.layout.FlowPane bar =
        new javafx.scene.layout.FlowPane(8, 6, pickers, actions, danger);
    bar.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    bar.setId("train-toolbar");
    HBox statusRow = new HBox(8, progress, status);
    statusRow.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
    VBox top = new VBox(6, bar, statusRow);
    top.setPadding(new Insets(8));
    root.setTop(top);
    // Ctrl+Enter starts, as the Start button's tooltip says.
    root.sceneProperty()
        .addListener(
            (o, a, scene) -> {
              if (scene != null) {
                scene
                    .getAccelerators()
                    .put(
                        new javafx.scene.input.KeyCodeCombination(
                            javafx.scene.input.KeyCode.ENTER,
                            javafx.scene.input.KeyCombination.SHORTCUT_DOWN),
                        () -> {
                          if (!start.isDisabled() && root.isVisible() && root.getScene() == scene)
                            vm.start();
                        });
              }
            });

    RunCharts c = vm.charts();
    HBox tiles =
        new HBox(
            8,
            new FigureTile("tile-device", "Device", c.deviceProperty().map(RunCharts::deviceText)),
            new FigureTile("tile-step", "Step", figure(c.stepProperty(), RunCharts::stepText)),
            new FigureTile(
                "tile-speed", "Tokens / s", figure(c.tokensPerSProperty(), RunCharts::speedText)),
            new FigureTile("tile-eta", "Time left", figure(c.etaProperty(), RunCharts::etaText)),
            new FigureTile("tile-loss", "Loss", figure(c.lossProperty(), RunCharts::lossText)),
            new FigureTile(
                "tile-memory", "Memory", figure(c.memoryMbProperty(), RunCharts::memoryText)));
    tiles.setPadding(new Insets(0, 8, 8, 8));

    LineChart<Number, Number> loss =
        chart(
            "Loss",
            "chart-loss",
            List.of(
                c.trainLoss().series(),
                c.valLoss().series(),
                c.checkpoints().series(),
                c.nanSkips().series(),
                c.rollbacks().series(),
                c.phases().series()));
    loss.getStyleClass().add("loss-chart");
    showLanguageSeries(loss, c.valLossByLanguage());
    LineChart<Number, Number> grad =
        chart("Gradient norm (bands at 5 and 10)", "chart-grad", List.of(c.gradNorm().series()));
    grad.getStyleClass().add("grad-chart");
    addBand(grad, c.gradNorm().series(), 5, "warning");
    addBand(grad, c.gradNorm().series(), 10, "critical");
    LineChart<Number, Number> lr = chart("Learning rate", "chart-lr", List.of(c.lr().series()));
    ExpertHeatmap heatmap = new ExpertHeatmap();
    heatmap.setId("expert-heatmap");
    c.expertHistoryProperty().addListener((o, a, h) -> heatmap.show(h));
    ListView<String> log = new ListView<>(c.log());
    log.setId("train-log");
    // Scroll once the list has laid out the new lines; scrolling during the change leaves the
    // newest line half under the bottom edge.
    c.log()
        .addListener(
            (javafx.collections.ListChangeListener<String>)
                ch ->
                    javafx.application.Platform.runLater(
                        () -> {
                          if (!c.log().isEmpty()) log.scrollTo(c.log().size() - 1);
                        }));

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

  private static javafx.beans.binding.StringBinding figure(
      javafx.beans.property.DoubleProperty value,
      java.util.function.DoubleFunction<String> format) {
    return Bindings.createStringBinding(() -> format.apply(value.get()), value);
  }

  /** Cancelling throws away the steps since the last checkpoint: ask first. */
  static boolean confirmCancel(javafx.scene.Node owner) {
    javafx.scene.control.Alert a =
        new javafx.scene.control.Alert(
            javafx.scene.control.Alert.AlertType.CONFIRMATION,
            "Cancel stops at once and keeps no checkpoint of the steps since the last one. Stop saves a checkpoint first.",
            javafx.scene.control.ButtonType.YES,
            javafx.scene.control.ButtonType.NO);
    a.setHeaderText("Cancel the run without a checkpoint?");
    if (owner.getScene() != null) a.initOwner(owner.getScene().getWindow());
    return a.showAndWait().orElse(javafx.scene.control.ButtonType.NO)
        == javafx.scene.control.ButtonType.YES;
  }

  private static LineChart<Number, Number> chart(
      String title, String id, List<XYChart.Series<Number, Number>> series) {
    NumberAxis x = new NumberAxis();
    x.setLabel("step");
    x.setForceZeroInRange(false);
    x.setTickLabelFormatter(dev.anneal.ui.fx.AxisFormats.wholeNumbers());
    NumberAxis y = new NumberAxis();
    y.setForceZeroInRange(false);
    if (id.equals("chart-lr")) y.setTickLabelFormatter(dev.anneal.ui.fx.AxisFormats.scientific());
    // An empty chart has no scale to show: the axes' own 0–100 would read as data.
    var data = series.getFirst().getData();
    var hasData = Bindings.isNotEmpty(data);
    for (NumberAxis a : List.of(x, y)) {
      a.tickLabelsVisibleProperty().bind(hasData);
      a.tickMarkVisibleProperty().bind(hasData);
    }
    LineChart<Number, Number> chart = new LineChart<>(x, y);
    chart.setId(id);
    chart.setTitle(title);
    chart.setAnimated(false);
    chart.setCreateSymbols(false);
    chart.getData().addAll(series);
    chart.setMinHeight(180);
    return chart;
  }

  /** Keeps one line per language's validation loss on {@code chart} as the run reports them. */
  private static void showLanguageSeries(
      LineChart<Number, Number> chart,
      javafx.collections.ObservableList<dev.anneal.ui.fx.BoundedSeries> languages) {
    languages.forEach(s -> chart.getData().add(s.series()));
    languages.addListener(
        (javafx.collections.ListChangeListener<dev.anneal.ui.fx.BoundedSeries>)
            ch -> {
              while (ch.next()) {
                ch.getRemoved().forEach(s -> chart.getData().remove(s.series()));
                ch.getAddedSubList().forEach(s -> chart.getData().add(s.series()));
              }
            });
  }

  /** A horizontal reference line spanning the steps of {@code data} (the gradient norms). */
  private static void addBand(
      LineChart<Number, Number> chart,
      XYChart.Series<Number, Number> data,
      double level,
      String name) {
    XYChart.Series<Number, Number> band = new XYChart.Series<>();
    band.setName(String.format(Locale.ROOT, "%s (%.0f)", name, level));
    chart.getData().add(band);
    // Follows the data's first and last step, not the axis bounds: those are computed from the
    // band too, and tracking them would feed back.
    data.getData()
        .addListener(
            (javafx.collections.ListChangeListener<XYChart.Data<Number, Number>>)
                c -> {
                  var d = data.getData();
                  if (d.isEmpty()) {
                    band.getData().clear();
                    return;
                  }
                  band.getData()
                      .setAll(
                          List.of(
                              new XYChart.Data<>(d.getFirst().getXValue(), level),
                              new XYChart.Data<>(d.getLast().getXValue(), level)));
                });
  }

  public Parent root() {
    return root;
  }
}
