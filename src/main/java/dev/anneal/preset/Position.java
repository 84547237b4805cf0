package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonProperty;

/** How token positions enter the model: a learned table (GPT-2) or rotary embeddings (Llama). */
public enum Position {
  @JsonProperty("learned")
  LEARNED,
  @JsonProperty("rope")
  ROPE
}
