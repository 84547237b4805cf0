package dev.anneal.ui.runs;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.AppEnvironment;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.SafetensorsWriter;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.PresetRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Run folders written the way the trainer writes them, without training. */
final class TestRuns {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TestRuns() {}

  static Preset nano() {
    return new PresetRegistry(List.of()).builtIn("nano").orElseThrow();
  }

  /**
   * A run folder with run.json and preset.yaml; {@code step} null leaves it out of run.json (a
   * running trainer) and logs metric lines up to {@code logged} instead.
   */
  static Path run(
      Path runsDir,
      String name,
      Preset preset,
      String status,
      long steps,
      Long step,
      Double best,
      Instant started,
      long logged)
      throws IOException {
    Path dir = runsDir.resolve(name);
    Files.createDirectories(dir.resolve("checkpoints"));
    Files.writeString(dir.resolve("preset.yaml"), PresetLoader.toYaml(preset));
    ObjectNode info = JSON.createObjectNode();
    info.put("name", name);
    info.put("preset", preset.name());
    info.put("status", status);
    info.put("started", started.toString());
    info.put("steps", steps);
    info.put("dataset", runsDir.resolveSibling("datasets").resolve("small").toString());
    if (step != null) info.put("step", step);
    if (best != null) info.put("best_val_loss", best);
    Files.writeString(dir.resolve("run.json"), JSON.writeValueAsString(info));
    StringBuilder metrics = new StringBuilder();
    for (long s = 1; s <= logged; s++) {
      metrics
          .append("{\"step\":")
          .append(s)
          .append(",\"loss\":")
          .append(5.0 - s * 0.01)
          .append("}\n");
    }
    Files.writeString(dir.resolve("metrics.jsonl"), metrics);
    return dir;
  }

  /** Writes best/ with freshly initialised weights of the preset, as a checkpoint holds them. */
  static void bestCheckpoint(Path runDir, Preset preset, double bestValLoss) throws IOException {
    AppEnvironment.configure();
    Path best = runDir.resolve("best");
    Files.createDirectories(best);
    try (NDManager m = NDManager.newBaseManager();
        CausalLm model = CausalLm.create(preset.model(), preset.lora(), m, 1)) {
      var weights = preset.lora() != null ? model.adapters().export() : model.exportWeights();
      SafetensorsWriter.write(
          best.resolve("model.safetensors"), TensorSource.of(weights), DType.F32);
    }
    Files.writeString(
        best.resolve("trainer_state.json"), "{\"step\":40,\"bestValLoss\":" + bestValLoss + "}");
  }
}
