package dev.anneal.data;

import java.util.Locale;

/** Why a file (or a whole folder) was left out of the dataset; counted in {@code stats.json}. */
public enum SkipReason {
  GITIGNORED,
  EXCLUDED,
  HIDDEN,
  VENDORED,
  GENERATED,
  MINIFIED,
  LOCK_FILE,
  BINARY,
  TOO_LARGE,
  UNSUPPORTED_TYPE,
  LANGUAGE_NOT_SELECTED,
  INVALID_UTF8,
  UNREADABLE,
  SYMLINK_LOOP,
  EMPTY,
  /** A dotenv file ({@code .env} ...): environment secrets, never read. */
  ENV_FILE,
  /** A file holding a secret, left out by {@code --secrets drop}. */
  SECRET;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}
