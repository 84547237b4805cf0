package dev.anneal.runs;

import dev.anneal.model.io.HfConfig;
import dev.anneal.model.io.SafetensorsCheckpoint;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A folder named as a model (MODEL, {@code --init}, {@code --adapter}), resolved once: a run folder
 * (its best checkpoint, else its latest), a checkpoint folder of a run ({@code step-N} or {@code
 * best}), or a Hugging Face folder. Training from it and loading it for inference resolve it the
 * same way, here.
 *
 * @param given the folder as named
 * @param weights the folder holding {@code model.safetensors}
 * @param run the run the weights belong to, or null for weights outside a run
 * @param preset that run's frozen preset, or null outside a run
 */
public record ModelFolder(Path given, Path weights, RunFolder run, Preset preset) {

  /** Resolves {@code given}, reading the run folder (if any) once. */
  public static ModelFolder open(Path given) throws IOException {
    Path weights = weightsFolder(given);
    Path runDir = runFolderOf(given, weights);
    if (runDir == null) return new ModelFolder(given, weights, null, null);
    RunFolder run = RunFolder.open(runDir);
    return new ModelFolder(given, weights, run, run.preset());
  }

  /** Whether the weights are a run's LoRA adapters (the run's base model holds the rest). */
  public boolean isLoraRun() {
    return preset != null && preset.usesLora();
  }

  /**
   * The architecture of full model weights: the run's frozen preset, or the Hugging Face folder's
   * config.json. A LoRA run's weights are adapters only, so it is refused.
   */
  public ModelSpec fullModelSpec() throws IOException {
    if (run != null) {
      if (preset.usesLora()) {
        throw new IOException(
            run.dir() + " trained LoRA adapters: merge them into a full model first");
      }
      return phaseModel();
    }
    Path config = weights.resolve("config.json");
    if (Files.isRegularFile(config)) return HfConfig.read(config).spec();
    throw new IOException(
        given + ": cannot tell its architecture (no " + RunFolder.PRESET + " or config.json)");
  }

  /**
   * The run's model as these weights trained under it: a run with phases may switch RoPE scaling,
   * so the checkpoint's recorded phase picks it (the preset's model when nothing is recorded).
   */
  private ModelSpec phaseModel() throws IOException {
    Path state = weights.resolve(RunFolder.TRAINER_STATE);
    if (preset.training().phases().isEmpty() || !Files.isRegularFile(state)) return preset.model();
    int phase =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(state.toFile())
            .path("phase")
            .asInt(0);
    var phases = dev.anneal.preset.PhasePlan.of(preset).phases();
    return preset
        .model()
        .withRopeScaling(phases.get(Math.min(phase, phases.size() - 1)).ropeScaling());
  }

  private static Path weightsFolder(Path given) throws IOException {
    if (RunFolder.isRunFolder(given)) {
      if (Files.isDirectory(given.resolve(RunFolder.BEST))) return given.resolve(RunFolder.BEST);
      return RunFolder.checkpoints(given).stream()
          .reduce((a, b) -> b)
          .orElseThrow(() -> new IOException(given + " has no checkpoint to start from"));
    }
    if (SafetensorsCheckpoint.exists(given, "model")) return given;
    throw new IOException(
        given + " holds no model: expected a run folder, a checkpoint or a Hugging Face folder");
  }

  /** The run folder given, or the run above a checkpoint or {@code best/}; null outside a run. */
  private static Path runFolderOf(Path given, Path weights) {
    Path parent = weights.toAbsolutePath().getParent();
    for (Path runDir : new Path[] {given, parent, parent == null ? null : parent.getParent()}) {
      if (runDir != null
          && RunFolder.isRunFolder(runDir)
          && Files.isRegularFile(runDir.resolve(RunFolder.PRESET))) {
        return runDir;
      }
    }
    return null;
  }
}
