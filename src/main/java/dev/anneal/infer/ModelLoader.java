package dev.anneal.infer;

import ai.djl.ndarray.NDManager;
import dev.anneal.AppEnvironment;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.Architecture;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.LoadedAdapter;
import dev.anneal.model.io.LoadedModel;
import dev.anneal.model.io.PeftAdapter;
import dev.anneal.model.io.SafetensorsCheckpoint;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import dev.anneal.runs.ModelFolder;
import dev.anneal.runs.RunFolder;
import dev.anneal.tokenizer.TextTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads MODEL as the CLI and the studio name it: a Hugging Face folder, a run folder (its best
 * checkpoint, else its latest), or a checkpoint folder, optionally with an adapter (a PEFT folder,
 * or an Anneal LoRA run or checkpoint). A LoRA run given as MODEL loads its base (run.json's {@code
 * init}) with the run's adapter. Folders are resolved by {@link ModelFolder}, as a run that starts
 * from them would be.
 *
 * <p>The tokenizer: {@code tokenizer} when given, else a {@code tokenizer.json} beside the weights,
 * else the one of the dataset the run trained on (run.json's {@code dataset}).
 */
public final class ModelLoader {
  /**
   * Names a run's preset before any training, as MODEL: {@code untrained:RUN} is the run's
   * architecture with fresh weights from its preset's seed (the weights its step 1 started from,
   * unless it started from {@code --init}), read with the run's tokenizer.
   */
  public static final String UNTRAINED = "untrained:";

  private ModelLoader() {}

  /** The MODEL that names {@code run}'s untrained preset. */
  public static String untrainedOf(Path run) {
    return UNTRAINED + run;
  }

  /** The run an {@code untrained:RUN} MODEL names, or null for any other MODEL. */
  public static Path untrainedRun(String model) {
    return model != null && model.startsWith(UNTRAINED) && model.length() > UNTRAINED.length()
        ? Path.of(model.substring(UNTRAINED.length()))
        : null;
  }

  /** How an untrained MODEL reads: "untrained nano (random init, seed 7)". */
  public static String untrainedLabel(Preset p) {
    return "untrained " + p.name() + " (random init, seed " + p.training().seed() + ")";
  }

  /** Weights found for a base model, opened lazily; tokenizer candidates in order of preference. */
  private record Found(
      ModelSpec spec, TensorSource tensors, Path where, List<Path> tokenizers, AutoCloseable owner)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      owner.close();
    }
  }

  /**
   * @param adapter an adapter folder or LoRA run to put on the model, or null
   * @param tokenizer a tokenizer.json (or its folder) overriding the one found, or null
   */
  public static LoadedLm load(Path model, Path adapter, Path tokenizer) throws IOException {
    AppEnvironment.configure();
    Path untrained = untrainedRun(model.toString());
    if (untrained != null) return untrained(untrained, adapter, tokenizer);
    if (!Files.isDirectory(model)) throw new IOException(model + ": no such folder");
    if (PeftAdapter.isAdapterFolder(model)) {
      throw new IOException(
          model + " is a PEFT adapter: give its base model, and the adapter with --adapter");
    }
    ModelFolder folder = ModelFolder.open(model);
    if (folder.isLoraRun()) {
      if (adapter != null)
        throw new IOException(model + " is a LoRA run already; --adapter cannot add another");
      Path base = baseOf(folder.run());
      return assemble(base, folder.run().dir(), folder, tokenizer, model + " (base " + base + ")");
    }
    if (adapter == null) return assemble(model, null, null, tokenizer, model.toString());
    return assemble(model, adapter, null, tokenizer, model + " + " + adapter);
  }

  /**
   * Loads base weights and, when {@code adapter} is set, the adapter found there.
   *
   * @param adapterRun the adapter's folder when already resolved, else null
   */
  private static LoadedLm assemble(
      Path base, Path adapter, ModelFolder adapterRun, Path tokenizer, String label)
      throws IOException {
    try (Found b = findBase(base)) {
      LoraSpec lora = null;
      LoadedAdapter peft = null;
      TensorSource adapterTensors = null;
      List<Path> tokenizers = new ArrayList<>();
      try {
        if (adapter != null && PeftAdapter.isAdapterFolder(adapter)) {
          peft = PeftAdapter.load(adapter, b.spec());
          refuseRouter(adapter, peft.tensors());
          lora = peft.lora();
          adapterTensors = peft.tensors();
        } else if (adapter != null) {
          ModelFolder a = adapterRun != null ? adapterRun : ModelFolder.open(adapter);
          Preset p = a.isLoraRun() ? a.preset() : null;
          if (p == null) {
            throw new IOException(
                adapter
                    + " is neither a PEFT adapter folder ("
                    + PeftAdapter.CONFIG
                    + ") nor a LoRA run or checkpoint");
          }
          List<String> diff = Architecture.differences(b.spec(), p.model());
          if (!diff.isEmpty()) {
            throw new IOException(
                adapter
                    + " was trained on another architecture than "
                    + base
                    + " ("
                    + String.join("; ", diff)
                    + ")");
          }
          lora = p.lora();
          adapterTensors = SafetensorsCheckpoint.open(a.weights(), "model");
          tokenizers.addAll(runTokenizers(a.run(), a.weights()));
        }
        tokenizers.addAll(b.tokenizers());
        return build(
            b, lora, adapterTensors, adapter, chooseTokenizer(tokenizer, tokenizers, base), label);
      } finally {
        if (peft != null) peft.close();
        else if (adapterTensors != null) adapterTensors.close();
      }
    } catch (IOException | RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(base + ": " + e.getMessage(), e);
    }
  }

  private static LoadedLm build(
      Found b,
      LoraSpec lora,
      TensorSource adapterTensors,
      Path adapter,
      Path tokenizerFile,
      String label)
      throws IOException {
    TextTokenizer tok = TextTokenizer.loadFile(tokenizerFile);
    NDManager manager = NDManager.newBaseManager();
    try {
      if (tok.vocabSize() > b.spec().vocab()) {
        throw new IOException(
            tokenizerFile
                + " has "
                + tok.vocabSize()
                + " tokens, more than the model's vocabulary of "
                + b.spec().vocab());
      }
      CausalLm lm = CausalLm.create(b.spec(), lora, manager, 0);
      load(() -> lm.loadWeights(b.tensors().uncheckedReader()), b.where());
      if (lora != null) load(() -> lm.adapters().load(adapterTensors.uncheckedReader()), adapter);
      return new LoadedLm(manager, lm, tok, label);
    } catch (IOException | RuntimeException e) {
      manager.close(); // closes the model's sub-manager too
      tok.close();
      throw e;
    }
  }

  /** The run's preset with fresh weights from its seed, as the trainer initialises them. */
  private static LoadedLm untrained(Path run, Path adapter, Path tokenizer) throws IOException {
    if (adapter != null)
      throw new IOException(UNTRAINED + run + " has no trained weights to put an adapter on");
    if (!RunFolder.isRunFolder(run)) {
      throw new IOException(
          UNTRAINED + run + ": " + run + " is not a run folder (no " + RunFolder.RUN_JSON + ")");
    }
    RunFolder folder = RunFolder.open(run);
    Preset p = folder.preset();
    Path tokenizerFile = chooseTokenizer(tokenizer, runTokenizers(folder, run), run);
    TextTokenizer tok = TextTokenizer.loadFile(tokenizerFile);
    NDManager manager = NDManager.newBaseManager();
    try {
      CausalLm lm = CausalLm.create(p.model(), null, manager, p.training().seed());
      return new LoadedLm(manager, lm, tok, untrainedLabel(p) + " of " + run);
    } catch (RuntimeException e) {
      manager.close();
      tok.close();
      throw e;
    }
  }

  /** Runs a tensor load, naming the folder in the one-line message when a tensor is wrong. */
  private static void load(Runnable r, Path where) throws IOException {
    try {
      r.run();
    } catch (IllegalArgumentException e) {
      throw new IOException(where + ": " + e.getMessage(), e);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    }
  }

  private static Found findBase(Path model) throws IOException {
    if (!Files.isDirectory(model)) throw new IOException(model + ": no such folder");
    ModelFolder f = ModelFolder.open(model);
    List<Path> tokenizers = new ArrayList<>();
    tokenizers.add(f.weights().resolve(HfFolder.TOKENIZER));
    if (f.run() == null) {
      LoadedModel hf = HfFolder.load(f.weights());
      return new Found(hf.spec(), hf.tensors(), f.weights(), tokenizers, hf);
    }
    ModelSpec spec = f.fullModelSpec();
    tokenizers.addAll(runTokenizers(f.run(), f.weights()));
    SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(f.weights(), "model");
    return new Found(spec, ckpt, f.weights(), tokenizers, ckpt);
  }

  private static Path baseOf(RunFolder run) throws IOException {
    String init = run.get("init");
    if (init == null || init.isBlank()) {
      throw new IOException(
          run.dir().resolve(RunFolder.RUN_JSON)
              + ": a LoRA run, but it names no base model (init)");
    }
    return run.resolveRecorded(init);
  }

  /** Tokenizers a run knows of: beside its weights, then its dataset's. */
  private static List<Path> runTokenizers(RunFolder run, Path weights) {
    List<Path> out = new ArrayList<>();
    out.add(weights.resolve(HfFolder.TOKENIZER));
    String dataset = run.get("dataset");
    if (dataset != null && !dataset.isBlank())
      out.add(run.resolveRecorded(dataset).resolve(HfFolder.TOKENIZER));
    return out;
  }

  private static Path chooseTokenizer(Path given, List<Path> candidates, Path model)
      throws IOException {
    if (given != null) return Files.isDirectory(given) ? given.resolve(HfFolder.TOKENIZER) : given;
    for (Path c : candidates) if (Files.isRegularFile(c)) return c;
    throw new IOException(
        model
            + ": no tokenizer.json found (looked at "
            + String.join(", ", candidates.stream().distinct().map(Path::toString).toList())
            + "); pass --tokenizer FILE");
  }

  /**
   * Anneal's models keep the MoE router frozen under LoRA; an adapter that retrained it would not
   * switch off.
   */
  private static void refuseRouter(Path adapter, TensorSource tensors) throws IOException {
    for (String name : tensors.names()) {
      if (name.endsWith(".gate.weight") && !name.contains("lora_")) {
        throw new IOException(
            adapter
                + " retrains the MoE router (modules_to_save gate): "
                + "not supported for comparison; merge it into a full model instead");
      }
    }
  }
}
