package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The trim rule: the level read at a look, a trim only when memory crept a quarter past it, and the
 * level read anew at the look after a trim. The fake process below behaves as a trainer does: a
 * trim lowers the reading, and the next step takes the memory back.
 */
class NativeTrimTest {
  private long steady;
  private long rss;

  private NativeTrim guard() {
    return new NativeTrim(() -> rss, () -> rss = steady * 2 / 3);
  }

  /** A step: the process is back at its steady level. */
  private void step(NativeTrim guard, long step) {
    rss = steady;
    guard.afterStep(step);
  }

  @Test
  void memoryThatHoldsStillIsNeverTrimmed() {
    steady = 1_000L << 20;
    NativeTrim guard = guard();
    for (long s = 1; s <= 400; s++) step(guard, s);
    assertThat(guard.trims()).isZero();
  }

  @Test
  void creepOfAQuarterTrimsOnceAndTheLevelIsReadAgainAtTheNextLook() {
    steady = 1_000L << 20;
    NativeTrim guard = guard();
    for (long s = 1; s <= 20; s++) step(guard, s); // the first look reads the level
    steady = 1_240L << 20; // within a quarter
    for (long s = 21; s <= 60; s++) step(guard, s);
    assertThat(guard.trims()).isZero();

    steady = 1_260L << 20; // past 1,000 MB + 250 MB
    for (long s = 61; s <= 79; s++) step(guard, s);
    assertThat(guard.trims()).as("only at a look, every 20 steps").isZero();
    step(guard, 80);
    assertThat(guard.trims()).isEqualTo(1);

    // The trimmed reading (840 MB) is not the level: the next steps take 1,260 MB again, and
    // measuring creep from 840 MB would trim at every look.
    for (long s = 81; s <= 400; s++) step(guard, s);
    assertThat(guard.trims()).isEqualTo(1);
  }

  @Test
  void aSmallProcessWaitsFor64MegabytesOfCreep() {
    steady = 100L << 20;
    NativeTrim guard = guard();
    step(guard, 20);
    steady = 160L << 20; // +60 MB: more than a quarter, less than 64 MB
    step(guard, 40);
    assertThat(guard.trims()).isZero();
    steady = 170L << 20;
    step(guard, 60);
    assertThat(guard.trims()).isEqualTo(1);
  }

  @Test
  void withoutAReadingItNeverTrims() {
    NativeTrim guard = new NativeTrim(() -> 0, () -> {});
    for (long step = 1; step <= 100; step++) guard.afterStep(step);
    assertThat(guard.trims()).isZero();
  }
}
