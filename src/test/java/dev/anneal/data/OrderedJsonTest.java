package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;

/**
 * The dataset files' JSON objects keep one key order in every JVM: each object, nested ones too, is
 * an ordered map. {@code Map.of} is not (its iteration order is salted per JVM), so a file written
 * from one would change bytes from one run to the next for the same input.
 */
class OrderedJsonTest {
  static void assertOrdered(String where, Object value) {
    if (value instanceof Map<?, ?> m) {
      assertThat(m).as(where).isInstanceOf(SequencedMap.class);
      m.forEach((k, v) -> assertOrdered(where + "." + k, v));
    } else if (value instanceof List<?> l) {
      for (int i = 0; i < l.size(); i++) assertOrdered(where + "[" + i + "]", l.get(i));
    }
  }

  @Test
  void metaJsonWithLossMaskAndLanguages() {
    var mask = new DatasetPreparer.LossMask("chatml", 3, 10, 4, 2, 1);
    var summary =
        new DatasetPreparer.Summary(
            Path.of("d"), 300, "uint16", 64, 1000, 100, 10, 2, 5, 7, "abc", 1.5, mask);
    var options = new PrepareOptions("tokenizer.json", 64, 0.5, 0.5, 0.1, 1);
    assertOrdered(
        "meta",
        PreparedMeta.of(summary, options, new int[] {1, 2, 3}, 0, 0, -1, 3, 4, List.of("rust")));
  }
}
