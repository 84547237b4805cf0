package dev.anneal.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetException;
import dev.anneal.preset.PresetLoader;
import java.io.IOException;
import java.util.Map;

/** A preset with a sweep's settings put in, parsed and validated as a preset file would be. */
public final class SweepPresets {
  private static final YAMLMapper YAML = new YAMLMapper();

  private SweepPresets() {}

  /**
   * The base preset with each dotted field set to its value; a value that reads as an integer, a
   * number or a boolean is written as one. A field the preset has no place for, or a value it
   * refuses, fails with one line naming the field.
   */
  public static Preset apply(Preset base, Map<String, String> settings) {
    try {
      ObjectNode root = (ObjectNode) YAML.readTree(PresetLoader.toYaml(base));
      for (var e : settings.entrySet()) {
        String[] parts = e.getKey().split("\\.");
        ObjectNode at = root;
        for (int i = 0; i < parts.length - 1; i++) {
          JsonNode child = at.get(parts[i]);
          if (child == null || !child.isObject()) {
            throw new IllegalArgumentException(
                "--grid " + e.getKey() + ": the preset has no section '" + parts[i] + "'");
          }
          at = (ObjectNode) child;
        }
        at.set(parts[parts.length - 1], value(e.getValue()));
      }
      String label =
          "--grid "
              + settings.entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .reduce((a, b) -> a + " " + b)
                  .orElse("");
      try {
        return PresetLoader.parse(YAML.writeValueAsString(root), label);
      } catch (PresetException e) {
        // The line number would point into YAML the user never saw: name the setting instead.
        throw new IllegalArgumentException(
            label + ": " + (e.field().isEmpty() ? "" : e.field() + ": ") + e.problem(), e);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static JsonNode value(String v) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (v.equals("true") || v.equals("false")) return f.booleanNode(Boolean.parseBoolean(v));
    if (v.matches("[+-]?\\d+")) {
      try {
        return f.numberNode(Integer.parseInt(v));
      } catch (NumberFormatException tooBig) {
        return f.numberNode(Long.parseLong(v));
      }
    }
    try {
      double d = Double.parseDouble(v);
      if (Double.isFinite(d)) return f.numberNode(d);
    } catch (NumberFormatException notANumber) {
      // text, such as a schedule name
    }
    return f.textNode(v);
  }
}
