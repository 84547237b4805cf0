package dev.anneal.ui.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.data.sample.SampleKind;
import org.junit.jupiter.api.Test;

class KindLabelsTest {
  @Test
  void javaClassesAndInterfacesAreNamedAsSuch() {
    assertThat(KindLabels.of("struct")).isEqualTo("class / struct");
    assertThat(KindLabels.of(SampleKind.TRAIT)).isEqualTo("interface / trait");
    assertThat(KindLabels.of("something-new")).isEqualTo("something-new");
    for (SampleKind k : SampleKind.values()) assertThat(KindLabels.of(k)).isNotBlank();
  }
}
