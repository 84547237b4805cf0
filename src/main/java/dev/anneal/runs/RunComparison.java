package dev.anneal.runs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two or more runs side by side: their curves, how their presets differ, and their best and final
 * losses and time. The CLI's {@code runs compare} and the studio's Runs view share it.
 */
public record RunComparison(List<RunHistory> runs, List<PresetDiff.Row> presetDiff) {

  /** Reads the run folders, in the order given. */
  public static RunComparison of(List<Path> dirs) throws IOException {
    if (dirs.size() < 2)
      throw new IllegalArgumentException("compare needs two or more runs, got " + dirs.size());
    List<RunHistory> runs = new ArrayList<>();
    for (Path d : dirs) runs.add(RunHistory.read(d));
    return new RunComparison(
        List.copyOf(runs), PresetDiff.of(runs.stream().map(RunHistory::preset).toList()));
  }

  /** The {@code --json} object: a summary and the curves of each run, and the preset diff. */
  public Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> rs = new ArrayList<>();
    for (RunHistory r : runs) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("run", r.dir().toString());
      o.put("name", r.name());
      o.put("preset", r.preset().name());
      o.put("status", r.status());
      o.put("step", r.step());
      o.put("steps", r.steps());
      o.put("best_val_loss", num(r.bestValLoss()));
      o.put("final_loss", num(r.finalLoss()));
      o.put("final_val_loss", num(r.finalValLoss()));
      o.put("seconds", num(r.seconds()));
      o.put("train_loss", points(r.trainLoss()));
      o.put("val_loss", points(r.valLoss()));
      o.put("lr", points(r.lr()));
      rs.add(o);
    }
    m.put("runs", rs);
    List<Map<String, Object>> diff = new ArrayList<>();
    for (PresetDiff.Row row : presetDiff) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("field", row.field());
      o.put("values", row.values());
      diff.add(o);
    }
    m.put("preset_diff", diff);
    return m;
  }

  private static List<Map<String, Object>> points(List<RunHistory.Point> ps) {
    List<Map<String, Object>> out = new ArrayList<>(ps.size());
    for (RunHistory.Point p : ps) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("step", p.step());
      if (p.tokens() >= 0) o.put("tokens", p.tokens());
      o.put("value", num(p.value()));
      out.add(o);
    }
    return out;
  }

  private static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
