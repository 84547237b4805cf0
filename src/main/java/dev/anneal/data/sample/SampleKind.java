package dev.anneal.data.sample;

import java.util.Locale;

/**
 * What a sample is. Languages map their items onto these: a class or record is a {@code struct}, an
 * interface a {@code trait}, a namespace a {@code module}, a method a {@code function}. {@code
 * chat} is an instruction sample (a conversation; only the assistant's turns are trained).
 */
public enum SampleKind {
  FILE,
  FUNCTION,
  STRUCT,
  ENUM,
  TRAIT,
  IMPL,
  MODULE,
  TEXT,
  CHAT;

  /** The lower-case name used in {@code samples.jsonl} and {@code stats.json}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static SampleKind parse(String id) {
    return valueOf(id.toUpperCase(Locale.ROOT));
  }
}
