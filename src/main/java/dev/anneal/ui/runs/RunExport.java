package dev.anneal.ui.runs;

import dev.anneal.export.DeepSpeedExport;
import dev.anneal.export.gguf.GgufExport;
import dev.anneal.export.gguf.GgufType;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.PeftAdapter;
import dev.anneal.model.io.SafetensorsFile;
import dev.anneal.preset.Preset;
import dev.anneal.runs.RunFolder;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import dev.anneal.train.CheckpointStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exports of a run from the Runs view: its model as a Hugging Face folder (or a PEFT adapter when
 * the run trained LoRA adapters), as one GGUF file for llama.cpp and Ollama (a LoRA run's adapter
 * merged into its base), and for a cluster preset a DeepSpeed launch bundle. The weights come from
 * {@code best/} (lowest validation loss), else the newest checkpoint.
 */
public final class RunExport {
  private RunExport() {}

  /** What an export wrote and from where. */
  public record Written(Path dir, Path from, String kind) {}

  /** Whether a preset is meant for a cluster (several devices or ZeRO): it gets a bundle. */
  public static boolean isCluster(Preset p) {
    return p.hardware().totalDevices() > 1 || p.hardware().zeroStage() > 0;
  }

  /** The checkpoint an export reads: best/, else the newest step; fails naming the run. */
  public static Path weightsOf(Path runDir) throws IOException {
    Path best = runDir.resolve(RunFolder.BEST);
    if (Files.isRegularFile(best.resolve(CheckpointStore.MODEL))) return best;
    return new CheckpointStore(runDir, Integer.MAX_VALUE)
        .latest()
        .orElseThrow(
            () ->
                new IOException(
                    runDir + ": no checkpoint to export yet (no best/ or checkpoints/step-*)"));
  }

  /** Writes the model of a run into {@code out} (a new folder, written atomically). */
  public static Written model(Path runDir, Path out) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    Preset p = run.preset();
    Path from = weightsOf(runDir);
    try (SafetensorsFile weights = SafetensorsFile.open(from.resolve(CheckpointStore.MODEL))) {
      if (p.lora() != null) {
        String base = run.get("init");
        PeftAdapter.save(
            out,
            p.model(),
            p.lora(),
            weights,
            base == null || base.isEmpty() ? p.name() : base,
            DType.F32);
        return new Written(out, from, "PEFT adapter");
      }
      HfFolder.save(out, p.model(), weights, tokenizerOf(run), DType.F32);
      return new Written(out, from, "Hugging Face folder");
    } catch (IllegalArgumentException e) {
      throw new IOException(from.resolve(CheckpointStore.MODEL) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the run's model as a GGUF file {@code out}, with an Ollama Modelfile beside it when
   * asked.
   */
  public static Written gguf(Path runDir, Path out, GgufType type, boolean ollama)
      throws IOException {
    Path from = weightsOf(runDir);
    GgufExport.Result r =
        GgufExport.export(new GgufExport.Request(runDir, null, out, type, ollama));
    return new Written(
        out,
        from,
        "GGUF "
            + r.architecture()
            + " "
            + type.label()
            + (r.modelfile() != null ? " with Ollama Modelfile" : ""));
  }

  /** Writes a DeepSpeed launch bundle of the run's preset and dataset into {@code out}. */
  public static Written deepSpeed(Path runDir, Path out) throws IOException {
    RunFolder run = RunFolder.open(runDir);
    String dataset = run.get("dataset");
    if (dataset == null || dataset.isEmpty())
      throw new IOException(runDir.resolve(RunFolder.RUN_JSON) + ": names no dataset");
    DeepSpeedExport.export(
        new DeepSpeedExport.Request(run.preset(), Path.of(dataset), out, null, null, null, null),
        ProgressListener.NONE,
        Cancellation.none());
    return new Written(out, Path.of(dataset), "DeepSpeed bundle");
  }

  /** The dataset's tokenizer.json the run trained on, copied into the folder; null if gone. */
  private static Path tokenizerOf(RunFolder run) {
    String dataset = run.get("dataset");
    if (dataset == null || dataset.isEmpty()) return null;
    Path t = Path.of(dataset).resolve(HfFolder.TOKENIZER);
    return Files.isRegularFile(t) ? t : null;
  }
}
