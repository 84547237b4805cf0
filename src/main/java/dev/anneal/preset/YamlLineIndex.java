package dev.anneal.preset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each key of a YAML document sits: dotted path ({@code model.heads}, {@code
 * lora.targets[1]}) to 1-based line. Jackson's tree drops locations, so validation errors look
 * their field up here to name the line.
 */
final class YamlLineIndex {
  private final Map<String, Integer> lines = new HashMap<>();

  private YamlLineIndex() {}

  static YamlLineIndex of(String yaml) {
    YamlLineIndex index = new YamlLineIndex();
    try (JsonParser p = new YAMLFactory().createParser(yaml)) {
      index.walk(p);
    } catch (IOException | RuntimeException e) {
      // Syntax errors are reported by the binding pass with their own location.
    }
    return index;
  }

  private void walk(JsonParser p) throws IOException {
    Deque<String> path = new ArrayDeque<>();
    Deque<int[]> arrayCounters = new ArrayDeque<>();
    String pendingField = null;
    JsonToken t;
    while ((t = p.nextToken()) != null) {
      switch (t) {
        case FIELD_NAME -> {
          pendingField = p.currentName();
          lines.putIfAbsent(join(path, pendingField), p.currentTokenLocation().getLineNr());
        }
        case START_OBJECT, START_ARRAY -> {
          String seg = segmentFor(pendingField, arrayCounters);
          if (seg != null) path.addLast(seg);
          arrayCounters.push(t == JsonToken.START_ARRAY ? new int[] {0} : new int[] {-1});
          // A list, or a section inside a list (a phase): errors about a key it lacks point here.
          if (seg != null && (t == JsonToken.START_ARRAY || seg.startsWith("["))) {
            lines.putIfAbsent(join(path, null), p.currentTokenLocation().getLineNr());
          }
          pendingField = null;
        }
        case END_OBJECT, END_ARRAY -> {
          arrayCounters.pop();
          if (!path.isEmpty() && !arrayCounters.isEmpty()) path.removeLast();
        }
        default -> {
          if (pendingField == null && !arrayCounters.isEmpty() && arrayCounters.peek()[0] >= 0) {
            String key = join(path, null) + "[" + arrayCounters.peek()[0]++ + "]";
            lines.putIfAbsent(key, p.currentTokenLocation().getLineNr());
          }
          pendingField = null;
        }
      }
    }
  }

  private String segmentFor(String field, Deque<int[]> counters) {
    if (field != null) return field;
    if (counters.isEmpty()) return null; // the document root
    int[] c = counters.peek();
    return c[0] >= 0 ? "[" + c[0]++ + "]" : null;
  }

  private static String join(Deque<String> path, String last) {
    StringBuilder s = new StringBuilder();
    for (String seg : path) {
      if (!s.isEmpty() && !seg.startsWith("[")) s.append('.');
      s.append(seg);
    }
    if (last != null) {
      if (!s.isEmpty()) s.append('.');
      s.append(last);
    }
    return s.toString();
  }

  /** The line of exactly this key, or 0 when the document has no such key. */
  int exactLineOf(String path) {
    return lines.getOrDefault(path, 0);
  }

  /** The line of {@code path}, else of its nearest present parent, else 0. */
  int lineOf(String path) {
    String p = path;
    while (p != null && !p.isEmpty()) {
      Integer line = lines.get(p);
      if (line != null) return line;
      int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
      p = cut > 0 ? p.substring(0, cut) : null;
    }
    return 0;
  }
}
