package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * fp16/bf16 conversions against a reference built here from the IEEE 754 definitions: a 16-bit
 * pattern's value is computed with exact decimal arithmetic from sign, exponent and mantissa, and
 * rounding picks the nearest representable value by exact comparison, ties to the even pattern.
 */
class HalfFloatsTest {
  /** A 16-bit binary format: exponent bits, mantissa bits. */
  record Format(int exponentBits, int mantissaBits) {
    int bias() {
      return (1 << (exponentBits - 1)) - 1;
    }

    int infinity() {
      return ((1 << exponentBits) - 1) << mantissaBits;
    }

    /**
     * The exact value of a non-negative finite pattern; the infinity pattern stands for 2^(emax+1),
     * the next value an unbounded exponent would have, which is how IEEE defines overflow rounding.
     */
    BigDecimal value(int bits) {
      int e = bits >>> mantissaBits;
      int m = bits & ((1 << mantissaBits) - 1);
      if (e == 0) return pow2(m, 1 - bias() - mantissaBits);
      return pow2((1 << mantissaBits) + m, e - bias() - mantissaBits);
    }

    /** The pattern of {@code x} rounded to nearest, ties to even (reference). */
    int round(float x) {
      if (Float.isNaN(x)) throw new IllegalArgumentException();
      int sign = (Float.floatToRawIntBits(x) >>> 31) << 15;
      if (Float.isInfinite(x)) return sign | infinity();
      BigDecimal a = new BigDecimal(Math.abs((double) x));
      int lo = 0;
      int hi = infinity();
      if (a.compareTo(value(hi)) >= 0) return sign | infinity();
      while (hi - lo > 1) { // value(lo) <= a < value(hi)
        int mid = (lo + hi) >>> 1;
        if (value(mid).compareTo(a) <= 0) lo = mid;
        else hi = mid;
      }
      int c = a.subtract(value(lo)).compareTo(value(hi).subtract(a));
      int pick = c < 0 ? lo : c > 0 ? hi : ((lo & 1) == 0 ? lo : hi);
      return sign | pick;
    }

    /** The decoded float of a pattern (reference), NaN for NaN patterns. */
    float decode(int bits) {
      int mag = bits & 0x7fff;
      boolean negative = (bits & 0x8000) != 0;
      if (mag > infinity()) return Float.NaN;
      if (mag == infinity()) return negative ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
      float f = value(mag).floatValue(); // exact: every half value fits in a float
      return negative ? -f : f;
    }
  }

  static final Format F16 = new Format(5, 10);
  static final Format BF16 = new Format(8, 7);

  static BigDecimal pow2(long m, int exponent) {
    BigDecimal two = BigDecimal.valueOf(2);
    return exponent >= 0
        ? BigDecimal.valueOf(m).multiply(two.pow(exponent))
        : BigDecimal.valueOf(m).divide(two.pow(-exponent));
  }

  @Test
  void everyF16PatternDecodesToItsIeeeValue() {
    for (int bits = 0; bits < 65536; bits++) {
      float got = HalfFloats.f16ToFloat((short) bits);
      assertDecoded(got, F16.decode(bits), bits);
    }
  }

  @Test
  void everyBf16PatternDecodesToItsIeeeValue() {
    for (int bits = 0; bits < 65536; bits++) {
      float got = HalfFloats.bf16ToFloat((short) bits);
      assertDecoded(got, BF16.decode(bits), bits);
    }
  }

  private static void assertDecoded(float got, float want, int bits) {
    if (Float.isNaN(want)) {
      assertThat(got).as("pattern %04x", bits).isNaN();
    } else {
      assertThat(Float.floatToRawIntBits(got))
          .as("pattern %04x", bits)
          .isEqualTo(Float.floatToRawIntBits(want));
    }
  }

  @Test
  void f16RoundsToNearestEvenIncludingTiesSubnormalsAndOverflow() {
    checkRounding(F16, true);
  }

  @Test
  void bf16RoundsToNearestEvenIncludingTiesSubnormalsAndOverflow() {
    checkRounding(BF16, false);
  }

  /**
   * Inputs: every midpoint between neighbouring 16-bit values (the ties), one float ulp either side
   * of each, the fp32 extremes and subnormals, and random floats of every magnitude.
   */
  private static void checkRounding(Format fmt, boolean f16) {
    int checked = 0;
    for (int bits = 0; bits < fmt.infinity(); bits++) {
      float a = fmt.value(bits).floatValue();
      float b = fmt.value(bits + 1).floatValue(); // infinity pattern stands for 2^(emax+1)
      BigDecimal mid = fmt.value(bits).add(fmt.value(bits + 1)).divide(BigDecimal.valueOf(2));
      float m = mid.floatValue();
      assertThat(new BigDecimal(m)).as("midpoint is a float").isEqualByComparingTo(mid);
      for (float x : new float[] {a, m, Math.nextUp(m), Math.nextDown(m), b}) {
        if (Float.isInfinite(x)) continue;
        check(fmt, f16, x);
        check(fmt, f16, -x);
        checked += 2;
      }
    }
    float[] specials = {
      0f,
      -0f,
      Float.MIN_VALUE,
      -Float.MIN_VALUE,
      Float.MIN_NORMAL,
      Math.nextDown(Float.MIN_NORMAL),
      Float.MAX_VALUE,
      -Float.MAX_VALUE,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      65504f,
      65519.99f,
      65520f,
      1e-8f,
      3e-8f,
      5.9604645e-8f,
      2.9802322e-8f,
      2.9802326e-8f
    };
    for (float x : specials) check(fmt, f16, x);
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      float x = Float.intBitsToFloat(random.nextInt());
      if (Float.isNaN(x)) continue;
      check(fmt, f16, x);
      checked++;
    }
    assertThat(checked).isGreaterThan(200_000);
  }

  private static void check(Format fmt, boolean f16, float x) {
    short got = f16 ? HalfFloats.floatToF16(x) : HalfFloats.floatToBf16(x);
    assertThat(got & 0xffff).as("%s (%08x)", x, Float.floatToRawIntBits(x)).isEqualTo(fmt.round(x));
  }

  @Test
  void nanStaysNanWithItsSignInBothFormats() {
    int[] nans = {0x7fc00000, 0xffc00000, 0x7f800001, 0xff800001, 0x7fbfffff, 0x7f80ffff};
    for (int n : nans) {
      float x = Float.intBitsToFloat(n);
      short b = HalfFloats.floatToBf16(x);
      short h = HalfFloats.floatToF16(x);
      assertThat(HalfFloats.bf16ToFloat(b)).as("bf16 of %08x", n).isNaN();
      assertThat(HalfFloats.f16ToFloat(h)).as("f16 of %08x", n).isNaN();
      assertThat((b & 0x8000) != 0).isEqualTo(n < 0);
      assertThat((h & 0x8000) != 0).isEqualTo(n < 0);
    }
  }

  @Test
  void everyHalfValueSurvivesARoundTripThroughFloat() {
    for (int bits = 0; bits < 65536; bits++) {
      short s = (short) bits;
      if (!Float.isNaN(HalfFloats.f16ToFloat(s))) {
        assertThat(HalfFloats.floatToF16(HalfFloats.f16ToFloat(s))).isEqualTo(s);
      }
      if (!Float.isNaN(HalfFloats.bf16ToFloat(s))) {
        assertThat(HalfFloats.floatToBf16(HalfFloats.bf16ToFloat(s))).isEqualTo(s);
      }
    }
  }
}
