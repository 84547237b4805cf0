package dev.anneal.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.io.AtomicFiles;
import dev.anneal.preset.Family;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import java.util.Set;

/**
 * PEFT LoRA adapters both ways: {@code adapter_config.json} plus {@code adapter_model.safetensors}
 * whose keys are {@code base_model.model.} + module path + {@code .lora_A.weight} (PEFT's own
 * files; {@code .lora_A.default.weight} and unprefixed keys are read too). A trainable router is
 * saved whole as PEFT's {@code modules_to_save: ["gate"]}.
 */
public final class PeftAdapter {
  public static final String CONFIG = "adapter_config.json";
  public static final String WEIGHTS = "adapter_model";
  static final String PREFIX = "base_model.model.";

  private PeftAdapter() {}

  /** What adapter_config.json says, as Anneal uses it. */
  public record Config(
      LoraSpec lora, String baseModel, boolean fanInFanOut, JsonNode targetModules) {}

  /**
   * The tensors an adapter of {@code lora} on {@code base} holds, under the model's names: the LoRA
   * pairs ({@link HfNames#lora}) and, when the router trains, each layer's {@code
   * block_sparse_moe.gate.weight}.
   */
  public static SequencedMap<String, long[]> expected(ModelSpec base, LoraSpec lora) {
    SequencedMap<String, long[]> names = new LinkedHashMap<>(HfNames.lora(base, lora));
    if (trainsRouter(base, lora)) {
      for (int l = 0; l < base.layers(); l++) {
        names.put(
            "model.layers." + l + ".block_sparse_moe.gate.weight",
            new long[] {base.moe().experts(), base.hidden()});
      }
    }
    return names;
  }

  private static boolean trainsRouter(ModelSpec base, LoraSpec lora) {
    return base.hasExperts() && !lora.freezeRouter();
  }

  /** Writes the adapter folder atomically; {@code tensors} must be exactly {@link #expected}. */
  public static void save(
      Path dir,
      ModelSpec base,
      LoraSpec lora,
      TensorSource tensors,
      String baseModelNameOrPath,
      DType dtype)
      throws IOException {
    SequencedMap<String, long[]> expected = expected(base, lora);
    String problem = NameCheck.problems(expected, tensors.names(), tensors::shape);
    if (problem != null)
      throw new IllegalArgumentException(
          "the adapter weights do not match the LoRA spec: " + problem);
    Map<String, String> fileNames = new LinkedHashMap<>();
    for (String name : expected.keySet()) fileNames.put(PREFIX + name, name);
    TensorSource prefixed = new RenamedSource(tensors, fileNames);
    String config = HfConfig.JSON.writeValueAsString(config(base, lora, baseModelNameOrPath));
    AtomicFiles.writeDirectory(
        dir,
        tmp -> {
          AtomicFiles.writeString(tmp.resolve(CONFIG), config + "\n");
          SafetensorsWriter.write(
              SafetensorsCheckpoint.singleFile(tmp, WEIGHTS),
              prefixed,
              prefixed.names(),
              dtype,
              SafetensorsWriter.PT_METADATA,
              WriteProgress.none());
        });
  }

  static ObjectNode config(ModelSpec base, LoraSpec lora, String baseModelNameOrPath) {
    ObjectNode c = HfConfig.JSON.createObjectNode();
    c.put("peft_type", "LORA");
    c.put("task_type", "CAUSAL_LM");
    c.put("base_model_name_or_path", baseModelNameOrPath);
    c.put("r", lora.rank());
    c.put("lora_alpha", lora.alpha());
    c.put("lora_dropout", lora.dropout());
    if (PeftTargets.listsAreExact(base, lora)) {
      var targets = c.putArray("target_modules");
      lora.targets().forEach(targets::add);
      if (!lora.exclude().isEmpty()) {
        var exclude = c.putArray("exclude_modules");
        lora.exclude().forEach(exclude::add);
      }
    } else {
      c.put("target_modules", PeftTargets.regex(base, lora));
    }
    c.put("fan_in_fan_out", base.family() == Family.GPT2);
    c.put("bias", "none");
    if (trainsRouter(base, lora)) c.putArray("modules_to_save").add("gate");
    else c.putNull("modules_to_save");
    c.put("inference_mode", true);
    c.put("init_lora_weights", true);
    c.put("use_rslora", false);
    c.put("use_dora", false);
    c.putNull("layers_to_transform");
    c.putObject("rank_pattern");
    c.putObject("alpha_pattern");
    return c;
  }

  /** Whether a folder holds a PEFT adapter. */
  public static boolean isAdapterFolder(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG));
  }

  /**
   * Reads adapter_config.json. Target lists come back as written; a regular expression gives empty
   * targets here ({@link #load} recovers them from the tensors).
   */
  public static Config readConfig(Path dir) throws IOException {
    return PeftConfigReader.read(dir.resolve(CONFIG));
  }

  /** Opens an adapter for a model of {@code base}, checking every name and shape. */
  public static LoadedAdapter load(Path dir, ModelSpec base) throws IOException {
    Config config = readConfig(dir);
    SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir, WEIGHTS);
    try {
      Map<String, String> fileNames = new LinkedHashMap<>();
      for (String key : ckpt.names()) fileNames.put(modelName(key), key);
      LoraSpec lora = config.lora();
      if (config.targetModules() != null && config.targetModules().isTextual()) {
        lora =
            PeftTargets.fromModules(
                base,
                layer0Modules(fileNames.keySet()),
                lora.rank(),
                lora.alpha(),
                lora.dropout(),
                lora.freezeRouter());
        config = new Config(lora, config.baseModel(), config.fanInFanOut(), config.targetModules());
      }
      Path where = ckpt.shards().getFirst().path();
      String problem =
          NameCheck.problems(
              expected(base, lora), fileNames.keySet(), n -> ckpt.shape(fileNames.get(n)));
      if (problem != null) {
        throw new ModelFormatException(
            where, "does not match " + CONFIG + " on this base model: " + problem);
      }
      Map<String, String> ordered = new LinkedHashMap<>();
      for (String name : expected(base, lora).keySet()) ordered.put(name, fileNames.get(name));
      DType dtype = ckpt.names().isEmpty() ? DType.F32 : ckpt.info(ckpt.names().getFirst()).dtype();
      return new LoadedAdapter(config, new RenamedSource(ckpt, ordered), dtype, ckpt);
    } catch (IOException | RuntimeException e) {
      ckpt.close();
      throw e;
    }
  }

  /**
   * PEFT key → model name: drops {@code base_model.model.} and the adapter name {@code default}.
   */
  static String modelName(String key) {
    String n = key.startsWith(PREFIX) ? key.substring(PREFIX.length()) : key;
    return n.replace(".lora_A.default.", ".lora_A.")
        .replace(".lora_B.default.", ".lora_B.")
        .replace(".modules_to_save.default.", ".");
  }

  /** Module paths of layer 0 that carry LoRA tensors. */
  private static Set<String> layer0Modules(Set<String> names) {
    Set<String> modules = new LinkedHashSet<>();
    for (String n : names) {
      int at = n.indexOf(".lora_A.weight");
      if (at > 0 && (n.startsWith("model.layers.0.") || n.startsWith("transformer.h.0."))) {
        modules.add(n.substring(0, at));
      }
    }
    return modules;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    if (array != null && array.isArray()) array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
