package dev.anneal.runs;

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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A run's folder: the preset frozen at start ({@code preset.yaml}), {@code run.json} with status
 * and provenance (dataset, init model, device ...), metrics and events logs, {@code
 * checkpoints/step-NNNNNN/} and {@code best/}. The names of that layout are kept here, once.
 */
public final class RunFolder {
  public static final String RUN_JSON = "run.json";
  public static final String PRESET = "preset.yaml";
  public static final String CHECKPOINTS = "checkpoints";
  public static final String BEST = "best";

  /** The file a checkpoint folder is complete with (it is written last). */
  public static final String TRAINER_STATE = "trainer_state.json";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

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
    for (int i = 2; Files.exists(dir); i++)
      dir = runsDir.resolve(preset.name() + "-" + stamp + "-" + i);
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

  /** Whether {@code dir} is a run folder (it has a run.json). */
  public static boolean isRunFolder(Path dir) {
    return Files.isRegularFile(dir.resolve(RUN_JSON));
  }

  /** Opens an existing run folder (to resume or to show it). */
  public static RunFolder open(Path dir) throws IOException {
    Path file = dir.resolve(RUN_JSON);
    if (!Files.isRegularFile(file))
      throw new IOException(dir + " is not a run folder: no " + RUN_JSON);
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
    return dir.resolve(CHECKPOINTS);
  }

  /** The best checkpoint's folder (it may not exist yet). */
  public Path bestDir() {
    return dir.resolve(BEST);
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latestCheckpoint() throws IOException {
    return checkpoints(dir).stream().reduce((a, b) -> b);
  }

  /** The complete checkpoint folders of the run in {@code runDir}, oldest first. */
  public static List<Path> checkpoints(Path runDir) throws IOException {
    Path root = runDir.resolve(CHECKPOINTS);
    if (!Files.isDirectory(root)) return List.of();
    try (Stream<Path> s = Files.list(root)) {
      return s.filter(p -> p.getFileName().toString().matches("step-\\d+"))
          .filter(p -> Files.isRegularFile(p.resolve(TRAINER_STATE)))
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  /**
   * A path recorded in run.json (dataset, init): as written when absolute or present from here
   * (relative to where training ran), else relative to the folder that holds the runs folder.
   */
  public Path resolveRecorded(String recorded) {
    Path p = Path.of(recorded);
    if (p.isAbsolute() || Files.exists(p)) return p;
    Path besideRuns = dir.toAbsolutePath().getParent();
    return besideRuns != null && besideRuns.getParent() != null
        ? besideRuns.getParent().resolve(recorded)
        : p;
  }

  public String status() {
    return info.path("status").asText("unknown");
  }

  /** A provenance value recorded at start (dataset, init model, device ...), or null. */
  public String get(String key) {
    return info.hasNonNull(key) ? info.get(key).asText() : null;
  }

  /** A recorded object of text values (a phase's dataset by name ...), empty when absent. */
  public Map<String, String> getMap(String key) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    info.path(key).properties().forEach(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
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
