package dev.anneal.infer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.PresetRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

class DecodeThreadsTest {
  @Test
  void smallModelsDecodeOnOneThreadUnlessTold() {
    var registry = new PresetRegistry(List.of());
    assertThat(DecodeThreads.choose(registry.resolve("nano").model(), 0)).isEqualTo(1);
    assertThat(DecodeThreads.choose(registry.resolve("nano").model(), 2)).isEqualTo(2);
    assertThat(DecodeThreads.choose(registry.resolve("tiny").model(), 0))
        .isEqualTo(Runtime.getRuntime().availableProcessors());
  }
}
