package dev.anneal.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.metrics.MetricPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Evaluations that score each language become one validation line per language. */
class RunChartsLanguagesTest {
  @Test
  void eachLanguageGetsItsOwnSeriesWithItsValues() {
    RunCharts c = new RunCharts();
    c.addPoints(List.of(MetricPoint.eval(10, 3.0, Map.of("java", 2.5, "rust", 3.5))));
    c.addPoints(
        List.of(MetricPoint.eval(20, 2.0, Map.of("java", 1.5, "rust", 2.5, "python", 2.2))));

    assertThat(c.valLossByLanguage())
        .extracting(s -> s.series().getName())
        .containsExactly("val loss · java", "val loss · rust", "val loss · python");
    var rust = c.valLossByLanguage().get(1).series().getData();
    assertThat(rust).extracting(d -> d.getXValue().longValue()).containsExactly(10L, 20L);
    assertThat(rust).extracting(d -> d.getYValue().doubleValue()).containsExactly(3.5, 2.5);
    assertThat(c.valLossByLanguage().get(2).series().getData()).hasSize(1);
    assertThat(c.valLoss().series().getData())
        .extracting(d -> d.getYValue().doubleValue())
        .containsExactly(3.0, 2.0);
  }

  @Test
  void aSplitWithoutLanguagesAddsNoSeriesAndClearForgetsThem() {
    RunCharts c = new RunCharts();
    c.addPoints(List.of(MetricPoint.eval(10, 3.0)));
    assertThat(c.valLossByLanguage()).isEmpty();

    c.addPoints(List.of(MetricPoint.eval(20, 2.0, Map.of("go", 2.0))));
    c.clear();
    assertThat(c.valLossByLanguage()).isEmpty();
    c.addPoints(List.of(MetricPoint.eval(30, 1.0, Map.of("go", 1.0))));
    assertThat(c.valLossByLanguage())
        .singleElement()
        .satisfies(s -> assertThat(s.series().getData()).hasSize(1));
  }
}
