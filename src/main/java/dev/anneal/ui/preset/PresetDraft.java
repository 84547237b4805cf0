package dev.anneal.ui.preset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A preset being edited, held as its YAML tree so any field can be set by path and the result
 * re-read through the same binding the loader uses. Plain data: no JavaFX.
 */
final class PresetDraft {
  private static final ObjectMapper MAPPER = PresetLoader.jsonMapper();
  private final ObjectNode tree;

  PresetDraft(Preset preset) {
    this.tree = MAPPER.valueToTree(preset);
  }

  private PresetDraft(ObjectNode tree) {
    this.tree = tree;
  }

  PresetDraft copy() {
    return new PresetDraft(tree.deepCopy());
  }

  /** The value at a dotted path as Integer, Double, Boolean or String; null when unset. */
  Object get(String path) {
    JsonNode n = tree.at("/" + path.replace('.', '/'));
    if (n.isMissingNode() || n.isNull()) return null;
    if (n.isIntegralNumber()) return n.asInt();
    if (n.isNumber()) return n.asDouble();
    if (n.isBoolean()) return n.asBoolean();
    return n.asText();
  }

  /** Sets a value at a dotted path (null clears it back to its default). */
  void set(String path, Object value) {
    String[] parts = path.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = JsonNodeFactory.instance.objectNode();
        node.set(parts[i], child);
      }
      node = (ObjectNode) child;
    }
    String key = parts[parts.length - 1];
    switch (value) {
      case null -> node.putNull(key);
      case Integer v -> node.put(key, v);
      case Long v -> node.put(key, v);
      case Double v -> node.put(key, v);
      case Float v -> node.put(key, v.doubleValue());
      case Boolean v -> node.put(key, v);
      default -> node.put(key, value.toString());
    }
  }

  /** Removes a whole section (e.g. {@code lora}). */
  /** The subtree at a dotted path, or null when unset. */
  JsonNode node(String path) {
    JsonNode n = tree.at("/" + path.replace('.', '/'));
    return n.isMissingNode() || n.isNull() ? null : n;
  }

  /** Replaces the subtree at a dotted path under an existing section; null removes it. */
  void setNode(String path, JsonNode value) {
    int dot = path.lastIndexOf('.');
    JsonNode parent = tree.at("/" + path.substring(0, dot).replace('.', '/'));
    if (!(parent instanceof ObjectNode section))
      throw new IllegalArgumentException("no section for " + path);
    if (value == null) section.remove(path.substring(dot + 1));
    else section.set(path.substring(dot + 1), value);
  }

  void remove(String section) {
    tree.putNull(section);
  }

  boolean has(String section) {
    JsonNode n = tree.get(section);
    return n != null && !n.isNull();
  }

  /** The preset this draft describes, with defaults filled; throws when a value cannot bind. */
  Preset toPreset() {
    try {
      return MAPPER.treeToValue(tree, Preset.class);
    } catch (Exception e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /** Paths whose values differ between two drafts, as "path: old → new". */
  static Map<String, String> differences(PresetDraft from, PresetDraft to) {
    Map<String, Object> a = new LinkedHashMap<>();
    Map<String, Object> b = new LinkedHashMap<>();
    flatten("", from.tree, a);
    flatten("", to.tree, b);
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : b.keySet()) {
      if (k.equals("name") || k.equals("description")) continue;
      if (!Objects.equals(a.get(k), b.get(k))) out.put(k, a.get(k) + " → " + b.get(k));
    }
    for (String k : a.keySet()) {
      if (!b.containsKey(k) && a.get(k) != null) out.put(k, a.get(k) + " → (none)");
    }
    return out;
  }

  /** Whole numbers as longs ("4", not "4.0"), so an int and an equal double still compare equal. */
  private static Object number(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? (Object) (long) d : (Object) d;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
    if (node.isObject()) {
      node.properties()
          .forEach(
              e ->
                  flatten(
                      prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                      e.getValue(),
                      out));
    } else if (!node.isNull()) {
      out.put(
          prefix,
          node.isContainerNode()
              ? node.toString()
              : node.isNumber() ? number(node.numberValue().doubleValue()) : node.asText());
    }
  }
}
