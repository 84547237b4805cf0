package dev.anneal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.io.AtomicFiles;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.HostTensor;
import dev.anneal.model.io.SafetensorsFile;
import dev.anneal.model.io.SafetensorsWriter;
import dev.anneal.model.io.TensorSource;
import dev.anneal.runs.RunFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checkpoints of a run: {@code checkpoints/step-NNNNNN/} holding {@code model.safetensors} (all
 * weights, or only the adapters under LoRA), {@code optimizer.safetensors} (AdamW's moments, fp32)
 * and {@code trainer_state.json}. Each folder appears whole or not at all; the last N are kept,
 * plus {@code best/} (lowest validation loss).
 */
public final class CheckpointStore {
  public static final String MODEL = "model.safetensors";
  public static final String OPTIMIZER = "optimizer.safetensors";
  public static final String STATE = RunFolder.TRAINER_STATE;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path runDir;
  private final Path root;
  private final Path best;
  private final int keepLast;

  public CheckpointStore(Path runDir, int keepLast) {
    this.runDir = runDir;
    this.root = runDir.resolve(RunFolder.CHECKPOINTS);
    this.best = runDir.resolve(RunFolder.BEST);
    this.keepLast = keepLast;
  }

  /** Writes a checkpoint of this step and prunes old ones; returns its folder. */
  public Path save(CausalLm model, AdamW optimizer, TrainerState state) throws IOException {
    Path dir = folder(state.step());
    write(dir, model, optimizer, state);
    prune();
    return dir;
  }

  /** The folder a checkpoint of this step is written to ({@code checkpoints/step-NNNNNN}). */
  public Path folder(long step) {
    return root.resolve(String.format("step-%06d", step));
  }

  /** Writes the best-so-far checkpoint (replacing the previous best). */
  public Path saveBest(CausalLm model, AdamW optimizer, TrainerState state) throws IOException {
    write(best, model, optimizer, state);
    return best;
  }

  private void write(Path dir, CausalLm model, AdamW optimizer, TrainerState state)
      throws IOException {
    List<HostTensor> weights =
        model.lora() != null ? model.adapters().export() : model.exportWeights();
    List<HostTensor> moments = new ArrayList<>();
    optimizer.state().forEach((name, array) -> moments.add(toHost(name, array)));
    AtomicFiles.writeDirectory(
        dir,
        d -> {
          SafetensorsWriter.write(d.resolve(MODEL), TensorSource.of(weights), DType.F32);
          SafetensorsWriter.write(d.resolve(OPTIMIZER), TensorSource.of(moments), DType.F32);
          Files.writeString(
              d.resolve(STATE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        });
  }

  /** The newest complete checkpoint, if any. */
  public Optional<Path> latest() throws IOException {
    return steps().stream().reduce((a, b) -> b);
  }

  /** Complete checkpoint folders, oldest first. */
  public List<Path> steps() throws IOException {
    return RunFolder.checkpoints(runDir);
  }

  private void prune() throws IOException {
    List<Path> all = steps();
    for (int i = 0; i < all.size() - keepLast; i++) AtomicFiles.deleteRecursively(all.get(i));
  }

  /**
   * Restores weights and optimizer moments from a checkpoint folder into the model and optimizer;
   * returns the trainer state saved with them.
   */
  public static TrainerState load(Path dir, CausalLm model, AdamW optimizer, NDManager manager)
      throws IOException {
    TrainerState state = JSON.readValue(dir.resolve(STATE).toFile(), TrainerState.class);
    try (SafetensorsFile weights = SafetensorsFile.open(dir.resolve(MODEL));
        SafetensorsFile moments = SafetensorsFile.open(dir.resolve(OPTIMIZER));
        NDManager scratch = manager.newSubManager()) {
      var source =
          (java.util.function.Function<String, HostTensor>)
              name -> {
                try {
                  return weights.read(name);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              };
      if (model.lora() != null) model.adapters().load(source);
      else model.loadWeights(source);
      Map<String, NDArray> loaded = new LinkedHashMap<>();
      for (String name : moments.names()) {
        HostTensor t = moments.read(name);
        loaded.put(name, scratch.create(t.data(), new Shape(t.shape())));
      }
      optimizer.load(loaded, state.updates());
    }
    return state;
  }

  static HostTensor toHost(String name, NDArray array) {
    return new HostTensor(name, array.getShape().getShape(), array.toFloatArray());
  }
}
