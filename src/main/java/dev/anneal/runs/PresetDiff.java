package dev.anneal.runs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where presets differ, field by field: each preset flattened to dotted snake_case paths ({@code
 * training.lr}, {@code model.layers}), and the paths whose values are not all equal. A field one
 * preset leaves out is shown as "-".
 */
public final class PresetDiff {
  private PresetDiff() {}

  /** A field that differs, with its value in each preset, in the order given. */
  public record Row(String field, List<String> values) {}

  /** The differing fields, in the order they first appear; empty when all are the same. */
  public static List<Row> of(List<Preset> presets) {
    List<Map<String, String>> flat = presets.stream().map(PresetDiff::flatten).toList();
    Set<String> fields = new LinkedHashSet<>();
    flat.forEach(m -> fields.addAll(m.keySet()));
    List<Row> rows = new ArrayList<>();
    for (String f : fields) {
      if (f.equals("name") || f.equals("description")) continue; // differ by design
      List<String> values = flat.stream().map(m -> m.getOrDefault(f, "-")).toList();
      if (values.stream().distinct().count() > 1) rows.add(new Row(f, values));
    }
    return rows;
  }

  /** The preset's set fields as dotted paths and their values as text. */
  static Map<String, String> flatten(Preset p) {
    Map<String, String> out = new LinkedHashMap<>();
    walk("", PresetLoader.jsonMapper().valueToTree(p), out);
    return out;
  }

  private static void walk(String prefix, JsonNode n, Map<String, String> out) {
    if (n == null || n.isNull()) return;
    if (n.isObject()) {
      n.properties()
          .forEach(
              e ->
                  walk(
                      prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                      e.getValue(),
                      out));
    } else if (n.isArray()) {
      out.put(prefix, n.toString());
    } else {
      out.put(prefix, Objects.toString(n.asText()));
    }
  }
}
