package dev.anneal.ui.runs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.preset.PresetLoader;
import dev.anneal.runs.RunFolder;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * One row of the Runs table, read from a run folder: {@code run.json} for name, preset, status,
 * planned steps and start time; the step reached from {@code run.json} once the run ended, else
 * from the last line of {@code metrics.jsonl} (a running trainer writes run.json only at its ends);
 * the best validation loss from {@code best/trainer_state.json}, which the trainer rewrites with
 * every new best. Reads a bounded amount however long the run.
 *
 * @param bestValLoss NaN before the first evaluation
 * @param started null when run.json lacks it
 * @param cluster whether its preset is for a cluster (a DeepSpeed bundle can be exported)
 * @param problem why the folder could not be read, or null
 */
public record RunSummary(
    Path dir,
    String name,
    String preset,
    String status,
    long steps,
    long step,
    double bestValLoss,
    Instant started,
    boolean cluster,
    String problem) {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int TAIL_BYTES = 8192;

  /** Whether the run can go on from a checkpoint (it stopped, failed or was cut off). */
  public boolean resumable() {
    return problem == null
        && !status.equals("completed")
        && step < steps
        && Files.isDirectory(dir.resolve(RunFolder.CHECKPOINTS));
  }

  /** Reads a run folder; a broken one becomes a row that says what is wrong with it. */
  public static RunSummary read(Path dir) {
    String name = dir.getFileName().toString();
    JsonNode info;
    try {
      info = JSON.readTree(dir.resolve(RunFolder.RUN_JSON).toFile());
      if (info == null || !info.isObject()) throw new IOException("not a JSON object");
    } catch (IOException e) {
      String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
      return new RunSummary(
          dir,
          name,
          "",
          "unreadable",
          0,
          0,
          Double.NaN,
          null,
          false,
          dir.resolve(RunFolder.RUN_JSON) + ": " + why);
    }
    long step = info.hasNonNull("step") ? info.get("step").asLong() : lastLoggedStep(dir);
    double best = bestValLoss(dir, info);
    return new RunSummary(
        dir,
        info.path("name").asText(name),
        info.path("preset").asText(""),
        info.path("status").asText("unknown"),
        info.path("steps").asLong(0),
        step,
        best,
        instant(info.path("started").asText(null)),
        cluster(dir),
        null);
  }

  private static boolean cluster(Path dir) {
    try {
      return RunExport.isCluster(PresetLoader.load(dir.resolve(RunFolder.PRESET)));
    } catch (RuntimeException e) {
      return false; // no readable preset: nothing to bundle
    }
  }

  private static double bestValLoss(Path dir, JsonNode info) {
    JsonNode v = info.get("best_val_loss");
    if (v != null && v.isNumber()) return v.asDouble();
    Path state = dir.resolve(RunFolder.BEST).resolve(RunFolder.TRAINER_STATE);
    try {
      if (Files.isRegularFile(state))
        return JSON.readTree(state.toFile()).path("bestValLoss").asDouble(Double.NaN);
    } catch (IOException e) {
      // a best/ being replaced right now: the next refresh reads it
    }
    return Double.NaN;
  }

  /** The step of the last complete line of metrics.jsonl, read from its last few KB; 0 if none. */
  static long lastLoggedStep(Path dir) {
    Path file = dir.resolve(MetricsLog.METRICS_FILE);
    if (!Files.isRegularFile(file)) return 0;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      int n = (int) Math.min(len, TAIL_BYTES);
      byte[] tail = new byte[n];
      f.seek(len - n);
      f.readFully(tail);
      String[] lines = new String(tail, StandardCharsets.UTF_8).split("\n");
      for (int i = lines.length - 1; i >= 0; i--) {
        try {
          JsonNode line = JSON.readTree(lines[i]);
          if (line != null && line.has("step")) return line.get("step").asLong();
        } catch (IOException partial) {
          // the first line of the tail is cut, or the last one is being written
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return 0;
  }

  private static Instant instant(String s) {
    if (s == null) return null;
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
