package dev.anneal.infer;

import java.util.Locale;

/** Why a generation ended. */
public enum FinishReason {
  /** The maximum number of new tokens. */
  LENGTH,
  /** The model wrote its end-of-text token. */
  EOS,
  /** A stop sequence appeared. */
  STOP,
  /** The model's context is full. */
  CONTEXT,
  /** The user pressed Stop (or Ctrl-C). */
  CANCELLED;

  /** "length", "eos" ... for JSON and status lines. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
