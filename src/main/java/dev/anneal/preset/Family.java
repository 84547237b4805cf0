package dev.anneal.preset;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Model families; the name in the YAML file is the lower-case form. */
public enum Family {
  @JsonProperty("gpt2")
  GPT2,
  @JsonProperty("llama")
  LLAMA
}
