package dev.anneal.io;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small JSON object for a file or {@code --json} output, its entries in the order given. {@code
 * Map.of} would do for lookups, but its iteration order changes from one JVM to the next, so a file
 * written from one would not be the same bytes for the same input.
 */
public final class JsonObject {
  private JsonObject() {}

  /**
   * The object of {@code keysAndValues}: key, value, key, value ... (keys are strings, values
   * anything Jackson writes).
   */
  public static Map<String, Object> of(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0)
      throw new IllegalArgumentException("keys and values must come in pairs");
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String key))
        throw new IllegalArgumentException("key " + i / 2 + " is not a string");
      if (m.put(key, keysAndValues[i + 1]) != null || m.size() != i / 2 + 1)
        throw new IllegalArgumentException("duplicate key: " + key);
    }
    return m;
  }
}
