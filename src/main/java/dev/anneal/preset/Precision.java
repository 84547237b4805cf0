package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The number format a run trains in ({@code training.precision}): fp32 throughout; bf16 weights
 * with an fp32 master copy in the optimizer, as DeepSpeed does; fp16 with loss scaling (DeepSpeed
 * bundles); or amp, fp32 weights with 16-bit activations.
 */
public enum Precision {
  @JsonProperty("fp32")
  FP32,
  @JsonProperty("bf16")
  BF16,
  @JsonProperty("fp16")
  FP16,
  @JsonProperty("amp")
  AMP;

  /** Whether matrix products may run in a 16-bit format. */
  public boolean sixteenBit() {
    return this != FP32;
  }

  /** Whether the 16-bit format is bfloat16 (bf16 itself, or amp, which uses bf16 activations). */
  public boolean bfloat16() {
    return this == BF16 || this == AMP;
  }

  /**
   * The value a user typed, in the spelling of preset files.
   *
   * @param field names the option or key in the error, e.g. {@code --precision}
   * @throws IllegalArgumentException one line naming the field and the allowed values
   */
  public static Precision parse(String field, String value) {
    for (Precision p : values()) if (p.toString().equals(value)) return p;
    throw new IllegalArgumentException(
        field
            + ": '"
            + value
            + "' is not one of "
            + Arrays.stream(values()).map(Precision::toString).collect(Collectors.joining(", ")));
  }

  /** The spelling in preset files and run folders. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
