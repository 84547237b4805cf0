package dev.anneal.ui.fx;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AxisFormatsTest {
  @Test
  void wholeNumbersHaveNoDecimalAndHalfStepsNoLabel() {
    var f = AxisFormats.wholeNumbers();
    assertThat(f.toString(4.0)).isEqualTo("4");
    assertThat(f.toString(12500.0)).isEqualTo("12,500");
    assertThat(f.toString(2.5)).isEmpty();
  }

  @Test
  void learningRatesAreShortScientific() {
    var f = AxisFormats.scientific();
    assertThat(f.toString(0.0015)).isEqualTo("1.5e-3");
    assertThat(f.toString(0.0)).isEqualTo("0");
    assertThat(f.toString(3e-4)).isEqualTo("3.0e-4");
    assertThat(f.toString(12.0)).isEqualTo("1.2e1");
  }
}
