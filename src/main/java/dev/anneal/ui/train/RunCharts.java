package dev.anneal.ui.train;

import dev.anneal.metrics.Durations;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.metrics.RunEvent;
import dev.anneal.ui.fx.BoundedSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Everything the Train view draws, updated on the FX thread in batches: bounded loss, gradient norm
 * and learning-rate series, event markers, the latest figures for the tiles, the expert load
 * history for MoE runs, and a bounded log.
 */
public final class RunCharts {
  static final int POINTS = 600;
  static final int LOG_LINES = 500;
  static final int HEATMAP_COLUMNS = 120;

  private final BoundedSeries trainLoss = new BoundedSeries("train loss", POINTS);
  private final BoundedSeries valLoss = new BoundedSeries("val loss", POINTS);
  private final BoundedSeries gradNorm = new BoundedSeries("gradient norm", POINTS);
  private final BoundedSeries lr = new BoundedSeries("learning rate", POINTS);
  private final BoundedSeries checkpoints =
      new BoundedSeries("checkpoint", POINTS).asMarkers(() -> marker("#2e8b57"));
  private final BoundedSeries nanSkips =
      new BoundedSeries("NaN skip", POINTS).asMarkers(() -> marker("#d9534f"));
  private final BoundedSeries rollbacks =
      new BoundedSeries("rollback", POINTS).asMarkers(() -> marker("#f0ad4e"));

  /** Where a training phase begins (runs with phases only). */
  private final BoundedSeries phases =
      new BoundedSeries("phase", POINTS).asMarkers(() -> marker("#6f42c1"));

  /**
   * Validation loss per language, one series each, in the order the languages first appear; the
   * view adds each new series to the loss chart. Empty for datasets that record no languages.
   */
  private final ObservableList<BoundedSeries> valLossByLanguage =
      FXCollections.observableArrayList();

  private final java.util.Map<String, BoundedSeries> languageSeries = new java.util.HashMap<>();
  private final DoubleProperty step = new SimpleDoubleProperty();
  private final DoubleProperty tokensPerS = new SimpleDoubleProperty(Double.NaN);
  private final DoubleProperty loss = new SimpleDoubleProperty(Double.NaN);
  private final DoubleProperty memoryMb = new SimpleDoubleProperty(Double.NaN);

  /** The device the run trains on, as its start event names it ("cpu()", "gpu(0) NVIDIA H100"). */
  private final javafx.beans.property.StringProperty device =
      new javafx.beans.property.SimpleStringProperty("");

  private final DoubleProperty etaSeconds = new SimpleDoubleProperty(-1);

  /** Per time column, per layer, per expert: the load fraction (MoE runs only). */
  private final ObjectProperty<List<List<List<Double>>>> expertHistory =
      new SimpleObjectProperty<>(List.of());

  private final ObservableList<String> log = FXCollections.observableArrayList();
  private double lastLoss = Double.NaN;

  /** Adds a batch of metric points (FX thread). */
  public void addPoints(List<MetricPoint> points) {
    List<double[]> tl = new ArrayList<>(),
        vl = new ArrayList<>(),
        gn = new ArrayList<>(),
        lrs = new ArrayList<>();
    List<List<List<Double>>> experts = new ArrayList<>(expertHistory.get());
    java.util.Map<String, List<double[]>> byLanguage = new java.util.LinkedHashMap<>();
    for (MetricPoint p : points) {
      if (p.loss() != null) {
        tl.add(new double[] {p.step(), p.loss()});
        lastLoss = p.loss();
        loss.set(p.loss());
      }
      if (p.valLoss() != null) vl.add(new double[] {p.step(), p.valLoss()});
      if (p.valLossByLanguage() != null) {
        p.valLossByLanguage()
            .forEach(
                (language, value) ->
                    byLanguage
                        .computeIfAbsent(language, k -> new ArrayList<>())
                        .add(new double[] {p.step(), value}));
      }
      if (p.gradNorm() != null) gn.add(new double[] {p.step(), p.gradNorm()});
      if (p.lr() != null) lrs.add(new double[] {p.step(), p.lr()});
      if (p.tokensPerS() != null) tokensPerS.set(p.tokensPerS());
      // The device's peak (a GPU's, as the driver counts it) where measured, else host memory.
      if (p.deviceMemBytes() != null) memoryMb.set(p.deviceMemBytes() / 1e6);
      else if (p.hostMemBytes() != null) memoryMb.set(p.hostMemBytes() / 1e6);
      if (p.expertLoad() != null) experts.add(p.expertLoad());
      step.set(Math.max(step.get(), p.step()));
    }
    trainLoss.addAll(tl);
    valLoss.addAll(vl);
    byLanguage.forEach((language, values) -> languageSeries(language).addAll(values));
    gradNorm.addAll(gn);
    lr.addAll(lrs);
    while (experts.size() > HEATMAP_COLUMNS) experts.remove(0);
    if (experts.size() != expertHistory.get().size() || !points.isEmpty())
      expertHistory.set(List.copyOf(experts));
  }

  private BoundedSeries languageSeries(String language) {
    return languageSeries.computeIfAbsent(
        language,
        k -> {
          BoundedSeries s = new BoundedSeries("val loss · " + k, POINTS);
          valLossByLanguage.add(s);
          return s;
        });
  }

  /** Adds events as markers on the loss chart and lines in the log (FX thread). */
  public void addEvents(List<RunEvent> events) {
    List<String> lines = new ArrayList<>();
    for (RunEvent e : events) {
      double y = lossAt(e.step());
      switch (e.kind()) {
        case RunEvent.CHECKPOINT -> checkpoints.add(e.step(), y);
        case RunEvent.NAN_SKIP -> nanSkips.add(e.step(), y);
        case RunEvent.ROLLBACK -> rollbacks.add(e.step(), y);
        case RunEvent.PHASE -> phases.add(e.step(), y);
        default -> {}
      }
      if (e.kind().equals(RunEvent.START)) device.set(deviceOf(e));
      lines.add("[" + e.kind() + "] step " + e.step() + ": " + e.message());
    }
    addLog(lines);
  }

  /**
   * The train loss logged at {@code step} or the nearest step before it, so that a marker sits on
   * the curve also when a resumed run's whole history arrives before its events.
   */
  double lossAt(long step) {
    var data = trainLoss.series().getData();
    int lo = 0, hi = data.size() - 1, found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      if (data.get(mid).getXValue().doubleValue() <= step) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found >= 0) return data.get(found).getYValue().doubleValue();
    if (!data.isEmpty()) return data.getFirst().getYValue().doubleValue();
    return Double.isNaN(lastLoss) ? 0 : lastLoss;
  }

  /**
   * The device a start event names: its {@code device} detail ("gpu(0) NVIDIA H100"), else the
   * banner's first part ("device cpu() · libtorch …") as runs before that detail wrote it.
   */
  static String deviceOf(RunEvent start) {
    Object d = start.details().get("device");
    if (d != null) return d.toString();
    String m = start.message();
    if (!m.startsWith("device ")) return "";
    int end = m.indexOf(" · ");
    return m.substring("device ".length(), end < 0 ? m.length() : end);
  }

  /** A device as the tile shows it: "CPU", "CUDA 0", "MPS"; "–" when no run has said. */
  public static String deviceText(String device) {
    if (device == null || device.isEmpty()) return "–";
    if (device.startsWith("cpu")) return "CPU";
    if (device.startsWith("mps")) return "MPS";
    java.util.regex.Matcher gpu =
        java.util.regex.Pattern.compile("gpu\\((\\d+)\\)").matcher(device);
    return gpu.lookingAt() ? "CUDA " + gpu.group(1) : device;
  }

  /** Blanks the figures that only mean something while a run is going (speed, time left). */
  public void endLive() {
    tokensPerS.set(Double.NaN);
    etaSeconds.set(-1);
  }

  /** Appends log lines, keeping the last {@link #LOG_LINES} (FX thread). */
  public void addLog(List<String> lines) {
    log.addAll(lines);
    if (log.size() > LOG_LINES) log.remove(0, log.size() - LOG_LINES);
  }

  /** Loads what a run has logged so far, before it resumes (called off the FX thread). */
  void history(Path run, Executor fx) {
    try {
      List<MetricPoint> points = MetricsLog.readMetrics(run.resolve(MetricsLog.METRICS_FILE));
      List<RunEvent> events = MetricsLog.readEvents(run.resolve(MetricsLog.EVENTS_FILE));
      fx.execute(
          () -> {
            addPoints(points);
            addEvents(events);
          });
    } catch (IOException e) {
      fx.execute(() -> addLog(List.of("cannot read the run's history: " + e.getMessage())));
    }
  }

  public void clear() {
    for (BoundedSeries s :
        List.of(trainLoss, valLoss, gradNorm, lr, checkpoints, nanSkips, rollbacks, phases))
      s.clear();
    valLossByLanguage.clear();
    languageSeries.clear();
    step.set(0);
    device.set("");
    tokensPerS.set(Double.NaN);
    etaSeconds.set(-1);
    memoryMb.set(Double.NaN);
    loss.set(Double.NaN);
    lastLoss = Double.NaN;
    expertHistory.set(List.of());
    log.clear();
  }

  private static javafx.scene.Node marker(String colour) {
    javafx.scene.shape.Circle c =
        new javafx.scene.shape.Circle(4, javafx.scene.paint.Color.web(colour));
    c.setStroke(javafx.scene.paint.Color.WHITE);
    return c;
  }

  /** The Step tile: "–" before the first step. */
  static String stepText(double step) {
    return step <= 0 ? "–" : String.format(Locale.ROOT, "%,d", (long) step);
  }

  /** The Tokens / s tile: "–" when no run is going. */
  static String speedText(double tokensPerS) {
    return Double.isNaN(tokensPerS) ? "–" : String.format(Locale.ROOT, "%,.0f", tokensPerS);
  }

  /** The Time left tile: the duration itself, "–" when unknown or no run is going. */
  static String etaText(double seconds) {
    return seconds < 0 || Double.isNaN(seconds) ? "–" : Durations.of(seconds);
  }

  static String lossText(double loss) {
    return Double.isNaN(loss) ? "–" : String.format(Locale.ROOT, "%.3f", loss);
  }

  static String memoryText(double mb) {
    return Double.isNaN(mb) ? "–" : String.format(Locale.ROOT, "%,.0f MB", mb);
  }

  public BoundedSeries trainLoss() {
    return trainLoss;
  }

  public BoundedSeries valLoss() {
    return valLoss;
  }

  public ObservableList<BoundedSeries> valLossByLanguage() {
    return valLossByLanguage;
  }

  public BoundedSeries gradNorm() {
    return gradNorm;
  }

  public BoundedSeries lr() {
    return lr;
  }

  public BoundedSeries checkpoints() {
    return checkpoints;
  }

  public BoundedSeries nanSkips() {
    return nanSkips;
  }

  public BoundedSeries rollbacks() {
    return rollbacks;
  }

  public BoundedSeries phases() {
    return phases;
  }

  public DoubleProperty stepProperty() {
    return step;
  }

  public DoubleProperty tokensPerSProperty() {
    return tokensPerS;
  }

  public DoubleProperty lossProperty() {
    return loss;
  }

  public DoubleProperty memoryMbProperty() {
    return memoryMb;
  }

  public javafx.beans.property.StringProperty deviceProperty() {
    return device;
  }

  public DoubleProperty etaProperty() {
    return etaSeconds;
  }

  public ObjectProperty<List<List<List<Double>>>> expertHistoryProperty() {
    return expertHistory;
  }

  public ObservableList<String> log() {
    return log;
  }
}
