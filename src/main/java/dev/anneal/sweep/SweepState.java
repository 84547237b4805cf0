package dev.anneal.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.io.AtomicFiles;
import dev.anneal.io.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sweep's {@code sweep.json}: what it runs (preset, data, steps, grid) and where each run stands.
 * Rewritten atomically after every change, so an interrupted sweep knows where to go on.
 */
public record SweepState(
    String preset, String data, Integer steps, SweepGrid grid, List<SweepRun> runs) {
  public static final String FILE = "sweep.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public SweepState {
    runs = List.copyOf(runs);
  }

  /** A fresh sweep: every combination pending. */
  public static SweepState plan(String preset, String data, Integer steps, SweepGrid grid) {
    List<SweepRun> runs = new ArrayList<>();
    List<Map<String, String>> combos = grid.combinations();
    for (int i = 0; i < combos.size(); i++) runs.add(SweepRun.pending(i, combos.get(i)));
    return new SweepState(preset, data, steps, grid, runs);
  }

  /** Whether this state describes the same sweep (so it may be resumed). */
  public boolean sameSweep(SweepState o) {
    return preset.equals(o.preset)
        && data.equals(o.data)
        && java.util.Objects.equals(steps, o.steps)
        && grid.equals(o.grid);
  }

  public SweepState with(SweepRun r) {
    List<SweepRun> next = new ArrayList<>(runs);
    next.set(r.index(), r);
    return new SweepState(preset, data, steps, grid, next);
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve(FILE), JSON.writeValueAsString(toJson()) + "\n");
  }

  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("preset", preset);
    m.put("data", data);
    m.put("steps", steps);
    List<Map<String, Object>> axes = new ArrayList<>();
    for (SweepGrid.Axis a : grid.axes())
      axes.add(JsonObject.of("field", a.field(), "values", a.values()));
    m.put("grid", axes);
    List<Map<String, Object>> rs = new ArrayList<>();
    for (SweepRun r : runs) rs.add(runJson(r));
    m.put("runs", rs);
    return m;
  }

  /**
   * One run as JSON: index, settings, run folder, status, losses (null when not measured), time.
   */
  public static Map<String, Object> runJson(SweepRun r) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("index", r.index());
    o.put("settings", r.settings());
    o.put("run", r.run());
    o.put("status", r.status());
    o.put("best_val_loss", Double.isFinite(r.bestValLoss()) ? r.bestValLoss() : null);
    o.put("final_loss", Double.isFinite(r.finalLoss()) ? r.finalLoss() : null);
    o.put("seconds", r.seconds());
    if (r.error() != null) o.put("error", r.error());
    return o;
  }

  /** Reads sweep.json; null when the folder has none; one line naming the file when broken. */
  public static SweepState read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    if (!Files.isRegularFile(file)) return null;
    try {
      JsonNode n = JSON.readTree(file.toFile());
      List<SweepGrid.Axis> axes = new ArrayList<>();
      for (JsonNode a : n.path("grid")) {
        List<String> values = new ArrayList<>();
        a.path("values").forEach(v -> values.add(v.asText()));
        axes.add(new SweepGrid.Axis(a.path("field").asText(), List.copyOf(values)));
      }
      List<SweepRun> runs = new ArrayList<>();
      for (JsonNode r : n.path("runs")) {
        Map<String, String> settings = new LinkedHashMap<>();
        r.path("settings")
            .properties()
            .forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
        runs.add(
            new SweepRun(
                r.path("index").asInt(),
                settings,
                r.hasNonNull("run") ? r.get("run").asText() : null,
                r.path("status").asText("pending"),
                number(r, "best_val_loss"),
                number(r, "final_loss"),
                r.path("seconds").asDouble(0),
                r.hasNonNull("error") ? r.get("error").asText() : null));
      }
      Integer steps = n.hasNonNull("steps") ? n.get("steps").asInt() : null;
      return new SweepState(
          n.path("preset").asText(), n.path("data").asText(), steps, new SweepGrid(axes), runs);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          file
              + ": cannot read ("
              + String.valueOf(e.getMessage()).lines().findFirst().orElse("")
              + ")",
          e);
    }
  }

  private static double number(JsonNode n, String key) {
    return n.hasNonNull(key) ? n.get(key).asDouble() : Double.NaN;
  }
}
