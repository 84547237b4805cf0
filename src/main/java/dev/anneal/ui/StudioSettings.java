package dev.anneal.ui;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.anneal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What the studio remembers between starts: window bounds, theme, last workspace and the ones
 * opened before it (newest first, at most {@link #RECENT}). Stored as {@code studio.json} in the
 * data folder; a missing or unreadable file means defaults.
 */
public record StudioSettings(
    double x,
    double y,
    double width,
    double height,
    boolean maximized,
    String theme,
    String workspace,
    List<String> recent) {

  public static final int RECENT = 8;
  public static final StudioSettings DEFAULT =
      new StudioSettings(Double.NaN, Double.NaN, 1280, 820, false, "light", null, List.of());

  public StudioSettings {
    recent = recent == null ? List.of() : List.copyOf(recent.stream().limit(RECENT).toList());
  }

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static StudioSettings load(Path file) {
    try {
      if (!Files.isRegularFile(file)) return DEFAULT;
      StudioSettings s = JSON.readValue(file.toFile(), StudioSettings.class);
      return s.width() < 400 || s.height() < 300 ? DEFAULT : s;
    } catch (IOException e) {
      return DEFAULT;
    }
  }

  public void save(Path file) throws IOException {
    AtomicFiles.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this));
  }

  public StudioSettings withTheme(String t) {
    return new StudioSettings(x, y, width, height, maximized, t, workspace, recent);
  }

  public StudioSettings withWorkspace(String w) {
    return new StudioSettings(x, y, width, height, maximized, theme, w, recent);
  }

  public StudioSettings withRecent(List<String> r) {
    return new StudioSettings(x, y, width, height, maximized, theme, workspace, r);
  }

  public StudioSettings withBounds(double nx, double ny, double w, double h, boolean max) {
    return new StudioSettings(nx, ny, w, h, max, theme, workspace, recent);
  }
}
