package dev.anneal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Durations read as seconds, minutes and seconds, hours and minutes, or days and hours. */
class DurationsTest {
  @Test
  void secondsUnderAMinute() {
    assertThat(Durations.of(0)).isEqualTo("0s");
    assertThat(Durations.of(41.4)).isEqualTo("41s");
    assertThat(Durations.of(59.4)).isEqualTo("59s");
  }

  @Test
  void minutesAndPaddedSeconds() {
    assertThat(Durations.of(59.6)).as("rounds up into the next unit").isEqualTo("1m 00s");
    assertThat(Durations.of(65)).isEqualTo("1m 05s");
    assertThat(Durations.of(12 * 60 + 3)).isEqualTo("12m 03s");
    assertThat(Durations.of(3599)).isEqualTo("59m 59s");
  }

  @Test
  void hoursAndPaddedMinutesThenDaysAndHours() {
    assertThat(Durations.of(3600)).isEqualTo("1h 00m");
    assertThat(Durations.of(5 * 3600 + 12 * 60 + 59))
        .as("seconds are dropped, not rounded")
        .isEqualTo("5h 12m");
    assertThat(Durations.of(86_399)).isEqualTo("23h 59m");
    assertThat(Durations.of(3 * 86_400 + 4 * 3600 + 1800)).isEqualTo("3d 4h");
  }
}
