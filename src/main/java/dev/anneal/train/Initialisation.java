package dev.anneal.train;

import ai.djl.ndarray.NDManager;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.HfConfig;
import dev.anneal.model.io.HostTensor;
import dev.anneal.model.io.SafetensorsCheckpoint;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The weights a run starts from: fresh ones from the preset's seed, or those of an earlier run
 * (seed 002's stage 2 starts from stage 1's best checkpoint), a checkpoint folder, or a Hugging
 * Face folder (continued pre-training, or the frozen base of a LoRA run). The architecture must
 * match the preset exactly; otherwise the run is refused, naming what differs.
 */
public final class Initialisation {
  private Initialisation() {}

  public static CausalLm model(Preset p, Path init, NDManager manager) throws IOException {
    CausalLm model = CausalLm.create(p.model(), p.lora(), manager, p.training().seed());
    if (init == null) return model;
    try {
      Path weights = weightsFolder(init);
      ModelSpec source = specOf(init, weights);
      List<String> diff = Architecture.differences(source, p.model());
      if (!diff.isEmpty()) {
        throw new IllegalArgumentException("cannot start " + p.name() + " from " + init
            + ": the architecture differs (" + String.join("; ", diff) + ")");
      }
      try (TensorSource tensors = SafetensorsCheckpoint.open(weights, "model")) {
        model.loadWeights(reader(tensors));
      }
      return model;
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Where the model.safetensors of a model folder lives: a run folder's best checkpoint (else its
   * latest), a checkpoint folder, or a Hugging Face folder as given.
   */
  public static Path weightsFolder(Path init) throws IOException {
    if (Files.isRegularFile(init.resolve(RunFolder.RUN_JSON))) {
      if (Files.isDirectory(init.resolve("best"))) return init.resolve("best");
      return new CheckpointStore(init, 1).latest()
          .orElseThrow(() -> new IOException(init + " has no checkpoint to start from"));
    }
    if (SafetensorsCheckpoint.exists(init, "model")) return init;
    throw new IOException(init + " holds no model: expected a run folder, a checkpoint or a Hugging Face folder");
  }

  /** The architecture of the weights: a run's frozen preset, or an HF folder's config.json. */
  public static ModelSpec specOf(Path init, Path weights) throws IOException {
    Path runDir = runFolderOf(init, weights);
    if (runDir != null) {
      Preset stage1 = RunFolder.open(runDir).preset();
      if (stage1.usesLora()) {
        throw new IOException(runDir + " trained LoRA adapters: merge them into a full model first");
      }
      return stage1.model();
    }
    if (Files.isRegularFile(weights.resolve("config.json"))) {
      return HfConfig.read(weights.resolve("config.json")).spec();
    }
    throw new IOException(init + ": cannot tell its architecture (no preset.yaml or config.json)");
  }

  /**
   * The run folder the weights belong to (the folder given, or the run above a checkpoint or
   * {@code best/}), or null for weights outside a run.
   */
  public static Path runFolderOf(Path init, Path weights) {
    Path parent = weights.toAbsolutePath().getParent();
    for (Path runDir : new Path[] {init, parent, parent == null ? null : parent.getParent()}) {
      if (runDir != null && Files.isRegularFile(runDir.resolve(RunFolder.RUN_JSON))
          && Files.isRegularFile(runDir.resolve(RunFolder.PRESET))) {
        return runDir;
      }
    }
    return null;
  }

  /** Reads tensors by name for {@link CausalLm#loadWeights}, I/O failures unchecked. */
  public static Function<String, HostTensor> reader(TensorSource tensors) {
    return name -> {
      try {
        return tensors.read(name);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }
}
