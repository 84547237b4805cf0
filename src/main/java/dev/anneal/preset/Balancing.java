package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * How a mixture of experts keeps its experts evenly loaded ({@code model.moe.balancing}): a
 * per-expert routing bias nudged by the observed load (seed 004, no loss term), a switch-style
 * auxiliary loss (seed 001, Mixtral), or nothing.
 */
public enum Balancing {
  @JsonProperty("aux_free")
  AUX_FREE,
  @JsonProperty("aux_loss")
  AUX_LOSS,
  @JsonProperty("none")
  NONE;

  /** The spelling in preset files and run folders. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
