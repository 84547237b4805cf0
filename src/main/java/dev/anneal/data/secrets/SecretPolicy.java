package dev.anneal.data.secrets;

import java.util.Locale;

/** What a dataset build does with a secret it finds: mask it, drop its file, or keep it. */
public enum SecretPolicy {
  /** Replace the secret with a placeholder naming its kind; the rest of the file stays. */
  MASK,
  /** Leave every file holding a secret out of the dataset. */
  DROP,
  /** Report secrets but keep the text as it is. */
  KEEP;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code mask|drop|keep}; anything else is one line naming the option. */
  public static SecretPolicy parse(String s) {
    for (SecretPolicy p : values()) if (p.id().equals(s.strip().toLowerCase(Locale.ROOT))) return p;
    throw new IllegalArgumentException("--secrets: '" + s + "' is not one of mask, drop, keep");
  }
}
