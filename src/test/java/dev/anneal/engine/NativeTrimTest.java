package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The trim rule: once at the first look, then only after resident memory crept a quarter. */
class NativeTrimTest {
  private long rss;

  @Test
  void trimsOnceWhileMemoryHoldsStillAndAgainWhenItCreeps() {
    rss = 1_000L << 20;
    NativeTrim guard = new NativeTrim(() -> rss, () -> rss = 800L << 20);
    for (long step = 1; step <= 19; step++) guard.afterStep(step);
    assertThat(guard.trims()).as("nothing before the first look").isZero();
    guard.afterStep(20);
    assertThat(guard.trims()).isEqualTo(1);

    rss = 900L << 20; // below 800 MB + a quarter
    for (long step = 21; step <= 200; step++) guard.afterStep(step);
    assertThat(guard.trims()).as("memory within a quarter of the last trim").isEqualTo(1);

    rss = 1_001L << 20; // past 800 MB + 200 MB
    guard.afterStep(219);
    assertThat(guard.trims()).as("only every 20 steps").isEqualTo(1);
    guard.afterStep(220);
    assertThat(guard.trims()).isEqualTo(2);
  }

  @Test
  void aSmallProcessWaitsFor64MegabytesOfCreep() {
    rss = 100L << 20;
    NativeTrim guard = new NativeTrim(() -> rss, () -> {});
    guard.afterStep(20);
    rss = 160L << 20; // +60 MB: more than a quarter, less than 64 MB
    guard.afterStep(40);
    assertThat(guard.trims()).isEqualTo(1);
    rss = 170L << 20;
    guard.afterStep(60);
    assertThat(guard.trims()).isEqualTo(2);
  }

  @Test
  void withoutAReadingItNeverTrims() {
    NativeTrim guard = new NativeTrim(() -> 0, () -> {});
    for (long step = 1; step <= 100; step++) guard.afterStep(step);
    assertThat(guard.trims()).isZero();
  }
}
