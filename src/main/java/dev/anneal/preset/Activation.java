package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Feed-forward shape: GELU (two matrices) or SwiGLU (three: gate, up, down). */
public enum Activation {
  @JsonProperty("gelu")
  GELU,
  @JsonProperty("swiglu")
  SWIGLU;

  /** Number of d×I weight matrices in one feed-forward of this kind. */
  public int matrices() {
    return this == SWIGLU ? 3 : 2;
  }
}
