package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** How the learning rate falls from its peak to {@code min_lr} after warmup. */
public enum Schedule {
  @JsonProperty("cosine")
  COSINE,
  @JsonProperty("linear")
  LINEAR,
  @JsonProperty("constant")
  CONSTANT;

  /** The spelling in preset files and run folders. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
