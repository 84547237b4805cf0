package dev.anneal.cli;

import dev.anneal.AppEnvironment;
import dev.anneal.preset.PresetRegistry;
import java.util.List;

/** The preset registry the CLI uses: built-ins plus the user's folder. */
final class Presets {
  private Presets() {}

  static PresetRegistry registry() {
    return new PresetRegistry(List.of(AppEnvironment.userPresetsDir()));
  }
}
