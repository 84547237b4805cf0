package dev.anneal.train;

import ai.djl.ndarray.NDManager;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.Architecture;
import dev.anneal.model.io.SafetensorsCheckpoint;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import dev.anneal.runs.ModelFolder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The weights a run starts from: fresh ones from the preset's seed, or those of an earlier run
 * (seed 002's stage 2 starts from stage 1's best checkpoint), a checkpoint folder, or a Hugging
 * Face folder (continued pre-training, or the frozen base of a LoRA run), found by {@link
 * ModelFolder}. The architecture must match the preset exactly; otherwise the run is refused,
 * naming what differs.
 */
public final class Initialisation {
  private Initialisation() {}

  public static CausalLm model(Preset p, Path init, NDManager manager) throws IOException {
    CausalLm model = CausalLm.create(p.model(), p.lora(), manager, p.training().seed());
    if (init == null) return model;
    try {
      ModelFolder from = ModelFolder.open(init);
      ModelSpec source = from.fullModelSpec();
      List<String> diff = Architecture.differences(source, p.model());
      if (!diff.isEmpty()) {
        throw new IllegalArgumentException(
            "cannot start "
                + p.name()
                + " from "
                + init
                + ": the architecture differs ("
                + String.join("; ", diff)
                + ")");
      }
      try (TensorSource tensors = SafetensorsCheckpoint.open(from.weights(), "model")) {
        model.loadWeights(tensors.uncheckedReader());
      }
      return model;
    } catch (IOException | RuntimeException e) {
      model.close();
      throw e;
    }
  }
}
