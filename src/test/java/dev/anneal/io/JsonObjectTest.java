package dev.anneal.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonObjectTest {
  @Test
  void entriesAreWrittenInTheOrderGiven() throws Exception {
    // Twelve keys: Map.of would iterate them in an order of its own (salted per JVM).
    Object[] kv = new Object[24];
    StringBuilder want = new StringBuilder("{");
    for (int i = 0; i < 12; i++) {
      kv[2 * i] = "k" + (11 - i);
      kv[2 * i + 1] = i;
      want.append(i == 0 ? "" : ",").append("\"k").append(11 - i).append("\":").append(i);
    }
    assertThat(new ObjectMapper().writeValueAsString(JsonObject.of(kv)))
        .isEqualTo(want.append("}").toString());
  }

  @Test
  void badPairsAreRefusedWithWhatIsWrong() {
    assertThatThrownBy(() -> JsonObject.of("a", 1, "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pairs");
    assertThatThrownBy(() -> JsonObject.of("a", 1, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key 1 is not a string");
    assertThatThrownBy(() -> JsonObject.of("a", 1, "a", 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate key: a");
  }
}
