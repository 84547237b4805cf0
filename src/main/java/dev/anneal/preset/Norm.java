package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Normalisation layer. */
public enum Norm {
  @JsonProperty("layernorm")
  LAYERNORM,
  @JsonProperty("rmsnorm")
  RMSNORM
}
