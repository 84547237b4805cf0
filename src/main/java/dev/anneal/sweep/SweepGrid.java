package dev.anneal.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The settings a sweep tries: each axis a preset field and its values; the runs are every
 * combination, the first axis changing slowest ({@code lr=1e-3,3e-3} and {@code micro_batch=8,16}
 * give lr 1e-3 with 8 and 16, then 3e-3 with 8 and 16).
 */
public record SweepGrid(List<Axis> axes) {

  /**
   * One axis.
   *
   * @param field a dotted preset path ({@code training.lr}, {@code model.layers}); a bare name is a
   *     training field ({@code lr} means {@code training.lr})
   * @param values the values as written
   */
  public record Axis(String field, List<String> values) {}

  public SweepGrid {
    axes = List.copyOf(axes);
  }

  /** Parses {@code --grid KEY=V1,V2,...} options; each bad one is one line naming it. */
  public static SweepGrid parse(List<String> specs) {
    if (specs == null || specs.isEmpty())
      throw new IllegalArgumentException("--grid: give at least one, e.g. --grid lr=1e-3,3e-3");
    List<Axis> axes = new ArrayList<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq <= 0 || eq == spec.length() - 1) {
        throw new IllegalArgumentException(
            "--grid " + spec + ": expected FIELD=V1,V2,... (e.g. lr=1e-3,3e-3)");
      }
      String key = spec.substring(0, eq).strip();
      String field = key.contains(".") ? key : "training." + key;
      List<String> values = new ArrayList<>();
      for (String v : spec.substring(eq + 1).split(",", -1)) {
        if (v.isBlank()) throw new IllegalArgumentException("--grid " + spec + ": an empty value");
        if (values.contains(v.strip()))
          throw new IllegalArgumentException(
              "--grid " + spec + ": " + v.strip() + " is listed twice");
        values.add(v.strip());
      }
      if (axes.stream().anyMatch(a -> a.field().equals(field))) {
        throw new IllegalArgumentException("--grid " + spec + ": " + key + " is given twice");
      }
      axes.add(new Axis(field, List.copyOf(values)));
    }
    return new SweepGrid(axes);
  }

  /** Every combination, in run order; each maps field to value in axis order. */
  public List<Map<String, String>> combinations() {
    List<Map<String, String>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    for (Axis a : axes) {
      List<Map<String, String>> next = new ArrayList<>();
      for (Map<String, String> partial : out) {
        for (String v : a.values()) {
          Map<String, String> m = new LinkedHashMap<>(partial);
          m.put(a.field(), v);
          next.add(m);
        }
      }
      out = next;
    }
    return out.stream()
        .map(m -> (Map<String, String>) java.util.Collections.unmodifiableMap(m))
        .toList();
  }
}
