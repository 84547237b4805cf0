package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.anneal.preset.Schedule;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
  @Test
  void warmupRisesLinearlyToThePeak() {
    LrSchedule s = new LrSchedule(3e-4, 3e-5, 2000, 70_000, Schedule.COSINE);
    assertThat(s.at(0)).isCloseTo(3e-4 / 2000, within(1e-15));
    assertThat(s.at(999)).isCloseTo(3e-4 * 1000 / 2000, within(1e-15));
    assertThat(s.at(1999)).isCloseTo(3e-4, within(1e-15));
  }

  @Test
  void cosineFallsToTheFloorThroughTheMidpoint() {
    LrSchedule s = new LrSchedule(3e-4, 3e-5, 2000, 70_000, Schedule.COSINE);
    assertThat(s.at(2000)).isCloseTo(3e-4, within(1e-15));
    // Halfway through the decay cos(π/2) = 0: the mean of peak and floor.
    assertThat(s.at(2000 + 34_000)).isCloseTo((3e-4 + 3e-5) / 2, within(1e-15));
    assertThat(s.at(70_000)).isCloseTo(3e-5, within(1e-15));
    assertThat(s.at(90_000)).isCloseTo(3e-5, within(1e-15));
    // At a quarter: min + (1 + cos(π/4))/2 · (peak − min).
    double q = 3e-5 + 0.5 * (1 + Math.cos(Math.PI / 4)) * (3e-4 - 3e-5);
    assertThat(s.at(2000 + 17_000)).isCloseTo(q, within(1e-15));
  }

  @Test
  void linearAndConstant() {
    LrSchedule lin = new LrSchedule(1.0, 0.0, 0, 100, Schedule.LINEAR);
    assertThat(lin.at(0)).isEqualTo(1.0);
    assertThat(lin.at(25)).isCloseTo(0.75, within(1e-12));
    assertThat(lin.at(100)).isEqualTo(0.0);
    LrSchedule flat = new LrSchedule(0.5, 0.0, 10, 100, Schedule.CONSTANT);
    assertThat(flat.at(4)).isCloseTo(0.25, within(1e-12));
    assertThat(flat.at(50)).isEqualTo(0.5);
  }
}
