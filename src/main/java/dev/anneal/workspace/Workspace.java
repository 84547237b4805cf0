package dev.anneal.workspace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A folder a person works in: source corpora, built datasets, training runs and their own presets,
 * each in a subfolder. {@code workspace.json} names it and its default preset.
 *
 * <pre>
 *   workspace.json   {name, description, default_preset, sources}
 *   corpus/          sources to build datasets from (any folders listed in sources)
 *   datasets/NAME/   dataset folders (samples.jsonl, stats.json, tokens, meta.json)
 *   runs/NAME-TIME/  run folders (metrics.jsonl, checkpoints, ...)
 *   presets/*.yaml   presets of this workspace
 * </pre>
 */
public record Workspace(
    Path root, String name, String description, String defaultPreset, List<Path> sources) {

  public static final String FILE = "workspace.json";

  /** Opens a folder as a workspace, creating the subfolders it lacks; any folder will do. */
  public static Workspace open(Path root) {
    Path abs = root.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IllegalArgumentException(abs + " is not a folder");
    }
    String name = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
    String description = "";
    String preset = "nano";
    List<Path> sources = new ArrayList<>();
    Path file = abs.resolve(FILE);
    try {
      Files.createDirectories(abs);
      if (Files.isRegularFile(file)) {
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        name = json.path("name").asText(name);
        description = json.path("description").asText("");
        preset = json.path("default_preset").asText(preset);
        for (JsonNode s : json.path("sources")) sources.add(abs.resolve(s.asText()).normalize());
      }
      for (String sub : List.of("datasets", "runs", "presets")) {
        Files.createDirectories(abs.resolve(sub));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open workspace " + abs + ": " + e.getMessage(), e);
    }
    return new Workspace(abs, name, description, preset, List.copyOf(sources));
  }

  public Path datasetsDir() {
    return root.resolve("datasets");
  }

  public Path runsDir() {
    return root.resolve("runs");
  }

  public Path presetsDir() {
    return root.resolve("presets");
  }
}
