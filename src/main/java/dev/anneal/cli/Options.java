package dev.anneal.cli;

/**
 * Range checks of numeric options, each failing with one line naming the option and the value,
 * before any work starts ({@code --steps 0} used to "complete" with loss NaN).
 */
final class Options {
  private Options() {}

  /** A count that must be 1 or more; null means "not given". */
  static void positive(String option, Number value) {
    if (value != null && value.doubleValue() < 1) {
      throw new IllegalArgumentException(option + " must be 1 or more, got " + value);
    }
  }

  /** A count where 0 means "the default" (threads ...); null means "not given". */
  static void nonNegative(String option, Number value) {
    if (value != null && value.doubleValue() < 0) {
      throw new IllegalArgumentException(option + " must be 0 (default) or more, got " + value);
    }
  }

  /** A share in [0, 1]. */
  static void fraction(String option, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw new IllegalArgumentException(option + " must be between 0 and 1, got " + value);
    }
  }

  /** A number above 0 (a rate, a temperature ...). */
  static void aboveZero(String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(option + " must be above 0, got " + value);
    }
  }
}
