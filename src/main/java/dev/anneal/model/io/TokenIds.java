package dev.anneal.model.io;

/** Special token ids a Hugging Face config carries; each may be unknown (null). */
public record TokenIds(Integer bos, Integer eos, Integer pad) {
  public static final TokenIds NONE = new TokenIds(null, null, null);
}
