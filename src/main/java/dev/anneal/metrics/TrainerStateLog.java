package dev.anneal.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The metric series of a Hugging Face Trainer output folder, read from its {@code
 * trainer_state.json} files: the folder's own (written at the end) and the newest {@code
 * checkpoint-N/} one (written at each save). Their {@code log_history} lists every log call; each
 * read turns the entries not seen before into {@link MetricPoint}s.
 *
 * <p>Trainer writes these files in place, not atomically, so a read may catch one half written:
 * that read is dropped and the file is read again at the next poll.
 */
final class TrainerStateLog {
  static final String STATE_FILE = "trainer_state.json";
  private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");

  private record Stamp(long size, FileTime modified) {}

  private final Path dir;
  private final Map<Path, Stamp> read = new HashMap<>();
  private long lastTrainStep = Long.MIN_VALUE;
  private long lastEvalStep = Long.MIN_VALUE;
  private long lastCheckpoint = Long.MIN_VALUE;

  TrainerStateLog(Path dir) {
    this.dir = dir;
  }

  /** Whether the folder looks like a Trainer output: a state file at the top or in a checkpoint. */
  static boolean present(Path dir) throws IOException {
    return Files.isRegularFile(dir.resolve(STATE_FILE)) || newestCheckpoint(dir).isPresent();
  }

  /** New points since the last call, in log order; new checkpoints become events. */
  RunFollower.Update poll() throws IOException {
    List<MetricPoint> points = new ArrayList<>();
    List<RunEvent> events = new ArrayList<>();
    Optional<Path> checkpoint = newestCheckpoint(dir);
    List<JsonNode> states = new ArrayList<>();
    for (Path file : candidates(checkpoint)) {
      JsonNode state = readIfChanged(file);
      if (state != null) states.add(state);
    }
    // The older history first: both share their prefix, and steps already seen are dropped.
    states.sort(Comparator.comparingLong(s -> s.path("global_step").asLong()));
    for (JsonNode state : states) {
      for (JsonNode entry : state.path("log_history")) toPoint(entry).ifPresent(points::add);
    }
    if (checkpoint.isPresent()) {
      long n = checkpointStep(checkpoint.get());
      if (n > lastCheckpoint) {
        lastCheckpoint = n;
        Instant when = Files.getLastModifiedTime(checkpoint.get()).toInstant();
        events.add(
            new RunEvent(
                n,
                when,
                RunEvent.CHECKPOINT,
                "saved " + checkpoint.get().getFileName(),
                Map.of("path", checkpoint.get().toString())));
      }
    }
    return new RunFollower.Update(points, events);
  }

  /**
   * One {@code log_history} entry as a point, if it is new: a training log ({@code loss}) or an
   * evaluation ({@code eval_loss}); the closing summary ({@code train_loss}) is not a step.
   */
  Optional<MetricPoint> toPoint(JsonNode e) {
    if (!e.has("step")) return Optional.empty();
    long step = e.get("step").asLong();
    boolean train = e.has("loss");
    boolean eval = e.has("eval_loss");
    if (train && step <= lastTrainStep || eval && step <= lastEvalStep || !train && !eval) {
      return Optional.empty();
    }
    if (train) lastTrainStep = step;
    if (eval) lastEvalStep = step;
    Double valLoss = number(e, "eval_loss");
    return Optional.of(
        new MetricPoint(
            step,
            longOrNull(e, "num_input_tokens_seen"),
            number(e, "epoch"),
            number(e, "loss"),
            valLoss,
            valLoss == null ? null : Math.exp(valLoss),
            number(e, "learning_rate"),
            number(e, "grad_norm"),
            null,
            null,
            null,
            null,
            null,
            null,
            null,
            null));
  }

  private List<Path> candidates(Optional<Path> checkpoint) {
    List<Path> files = new ArrayList<>();
    Path top = dir.resolve(STATE_FILE);
    if (Files.isRegularFile(top)) files.add(top);
    checkpoint.map(c -> c.resolve(STATE_FILE)).ifPresent(files::add);
    return files;
  }

  private JsonNode readIfChanged(Path file) throws IOException {
    Stamp stamp;
    try {
      stamp = new Stamp(Files.size(file), Files.getLastModifiedTime(file));
    } catch (java.nio.file.NoSuchFileException gone) {
      return null; // a checkpoint rotated away between listing and reading
    }
    if (stamp.equals(read.get(file))) return null;
    JsonNode state;
    try {
      state = MetricsJson.mapper().readTree(Files.readString(file));
    } catch (com.fasterxml.jackson.core.JacksonException halfWritten) {
      return null;
    } catch (java.nio.file.NoSuchFileException gone) {
      return null;
    }
    read.put(file, stamp);
    return state;
  }

  /** The {@code checkpoint-N} folder with the highest N that holds a state file. */
  static Optional<Path> newestCheckpoint(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) return Optional.empty();
    try (Stream<Path> children = Files.list(dir)) {
      return children
          .filter(p -> CHECKPOINT.matcher(p.getFileName().toString()).matches())
          .filter(p -> Files.isRegularFile(p.resolve(STATE_FILE)))
          .max(Comparator.comparingLong(TrainerStateLog::checkpointStep));
    }
  }

  private static long checkpointStep(Path checkpoint) {
    Matcher m = CHECKPOINT.matcher(checkpoint.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static Double number(JsonNode e, String key) {
    JsonNode v = e.get(key);
    return v != null && v.isNumber() ? v.asDouble() : null;
  }

  private static Long longOrNull(JsonNode e, String key) {
    JsonNode v = e.get(key);
    return v != null && v.isNumber() ? v.asLong() : null;
  }
}
