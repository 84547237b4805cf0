package dev.anneal.ui.preset;

import java.util.List;

/**
 * One editable preset field as the property sheet shows it.
 *
 * @param path dotted YAML path, e.g. {@code model.heads}
 * @param category sheet group: Model, LoRA, Training, Data, Hardware
 * @param type Integer, Double, Boolean or String
 * @param choices allowed values for a String field, or empty for free input
 * @param description tooltip text
 */
public record PresetField(
    String path, String category, Class<?> type, List<String> choices, String description) {

  /** The last segment of the path, shown as the field's name. */
  public String name() {
    return path.substring(path.lastIndexOf('.') + 1);
  }

  /** A CSS-safe id for the field's editor, e.g. {@code edit-model-heads}. */
  public String editorId() {
    return "edit-" + path.replace('.', '-').replace('_', '-');
  }

  static PresetField of(String path, String category, Class<?> type, String description) {
    return new PresetField(path, category, type, List.of(), description);
  }

  static PresetField choice(String path, String category, String description, String... choices) {
    return new PresetField(path, category, String.class, List.of(choices), description);
  }
}
