package dev.anneal.preset;

import java.nio.file.Path;

/**
 * A preset as found on disk or in the app: its name, where it lives and either the loaded preset or
 * the reason it could not be loaded (a broken user file is listed, not fatal).
 */
public record PresetEntry(
    String name,
    String location,
    boolean builtIn,
    Preset preset,
    PresetException error,
    Path file) {

  public boolean isValid() {
    return preset != null;
  }
}
