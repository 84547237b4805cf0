package dev.anneal.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.io.AtomicFiles;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * A run's folder (DESIGN.md "Run folder"): the preset frozen at start, {@code run.json} with
 * status and provenance, metrics and events logs, checkpoints, the best and the final model.
 */
public final class RunFolder {
  public static final String RUN_JSON = "run.json";
  public static final String PRESET = "preset.yaml";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path dir;
  private final ObjectNode info;

  private RunFolder(Path dir, ObjectNode info) {
    this.dir = dir;
    this.info = info;
  }

  /** Makes {@code runs/<preset>-<yyyyMMdd-HHmmss>/} with the preset and a fresh run.json. */
  public static RunFolder create(Path runsDir, Preset preset, Map<String, Object> provenance)
      throws IOException {
    String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    Path dir = runsDir.resolve(preset.name() + "-" + stamp);
    for (int i = 2; Files.exists(dir); i++) dir = runsDir.resolve(preset.name() + "-" + stamp + "-" + i);
    Files.createDirectories(dir);
    AtomicFiles.writeString(dir.resolve(PRESET), PresetLoader.toYaml(preset));
    ObjectNode info = JSON.createObjectNode();
    info.put("name", dir.getFileName().toString());
    info.put("preset", preset.name());
    info.put("status", "created");
    info.put("started", Instant.now().toString());
    info.put("steps", preset.training().steps());
    provenance.forEach((k, v) -> info.putPOJO(k, v));
    RunFolder run = new RunFolder(dir, info);
    run.save();
    return run;
  }

  /** Opens an existing run folder (to resume or to show it). */
  public static RunFolder open(Path dir) throws IOException {
    Path file = dir.resolve(RUN_JSON);
    if (!Files.isRegularFile(file)) throw new IOException(dir + " is not a run folder: no " + RUN_JSON);
    return new RunFolder(dir, (ObjectNode) JSON.readTree(file.toFile()));
  }

  /** The preset as frozen when the run started. */
  public Preset preset() {
    return PresetLoader.load(dir.resolve(PRESET));
  }

  public Path dir() {
    return dir;
  }

  public Path checkpointsDir() {
    return dir.resolve("checkpoints");
  }

  public String status() {
    return info.path("status").asText("unknown");
  }

  /** A provenance value recorded at start (dataset, init model, device ...), or null. */
  public String get(String key) {
    return info.hasNonNull(key) ? info.get(key).asText() : null;
  }

  /** Records status and other fields, rewriting run.json atomically. */
  public synchronized void update(String status, Map<String, Object> fields) throws IOException {
    if (status != null) info.put("status", status);
    info.put("updated", Instant.now().toString());
    fields.forEach((k, v) -> info.putPOJO(k, v));
    save();
  }

  private void save() throws IOException {
    AtomicFiles.writeString(dir.resolve(RUN_JSON), JSON.writeValueAsString(info));
  }
}
