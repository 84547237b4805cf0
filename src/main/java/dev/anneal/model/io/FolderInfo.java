package dev.anneal.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anneal.io.JsonObject;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.estimate.ParameterCount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a Hugging Face model folder or a PEFT adapter folder holds, as an ordered map with
 * snake_case keys (printed as text or JSON by {@code anneal model info}). Parameters are counted
 * twice, independently: from the safetensors headers (sum of element counts, buffers aside) and
 * from the estimator's formula for the spec the config describes; {@code params_match} says whether
 * they agree.
 */
public final class FolderInfo {
  private FolderInfo() {}

  public static Map<String, Object> inspect(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) throw new ModelFormatException(dir, "not a folder");
    if (Files.isRegularFile(dir.resolve(HfFolder.CONFIG))) return model(dir);
    if (PeftAdapter.isAdapterFolder(dir)) return adapter(dir);
    throw new ModelFormatException(
        dir, "neither a model folder (config.json) nor a PEFT adapter (adapter_config.json)");
  }

  private static Map<String, Object> model(Path dir) throws IOException {
    HfConfig.Parsed parsed = HfConfig.read(dir.resolve(HfFolder.CONFIG));
    ModelSpec m = parsed.spec();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("kind", "model");
    info.put("model_type", parsed.modelType());
    info.put("family", m.family().name().toLowerCase(java.util.Locale.ROOT));
    info.put("layers", m.layers());
    info.put("hidden", m.hidden());
    info.put("heads", m.heads());
    info.put("kv_heads", m.kvHeads());
    info.put("head_dim", m.headDim());
    info.put("intermediate", m.intermediate());
    info.put("vocab", m.vocab());
    info.put("context", m.context());
    info.put("tied_embeddings", m.tieEmbeddings());
    if (m.ropeScaling() != null) {
      info.put(
          "rope",
          JsonObject.of(
              "theta",
              m.ropeTheta(),
              "scaling",
              m.ropeScaling().type(),
              "factor",
              m.ropeScaling().factor()));
    } else if (m.family() != dev.anneal.preset.Family.GPT2) {
      info.put("rope", Map.of("theta", m.ropeTheta()));
    }
    info.put("moe", moe(m));
    info.put("dtype", parsed.dtype() != null ? parsed.dtype().torchName() : null);
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir, "model")) {
      files(info, ckpt);
      long expected = ParameterCount.of(m, null).total();
      info.put("params_from_spec", expected);
      info.put("params_match", expected == (long) info.get("params_in_files"));
    }
    try (LoadedModel ignored = HfFolder.load(dir)) {
      info.put("problem", null);
    } catch (ModelFormatException e) {
      info.put("problem", e.getMessage());
    }
    return info;
  }

  private static Map<String, Object> moe(ModelSpec m) {
    if (!m.hasExperts()) return null;
    MoeSpec moe = m.moe();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("experts", moe.experts());
    out.put("experts_per_token", moe.expertsPerToken());
    out.put("shared_experts", moe.sharedExperts());
    out.put("expert_intermediate", HfNames.expertIntermediate(m));
    out.put("balancing", moe.balancing().toString());
    return out;
  }

  /** Tensor dtypes, counts, shards and bytes of a checkpoint. */
  private static void files(Map<String, Object> info, SafetensorsCheckpoint ckpt)
      throws IOException {
    long params = 0;
    long buffers = 0;
    TreeSet<String> dtypes = new TreeSet<>();
    for (String name : ckpt.names()) {
      TensorInfo t = ckpt.info(name);
      dtypes.add(t.dtype().name());
      if (HfNames.isBuffer(name)) buffers += t.numel();
      else params += t.numel();
    }
    info.put("tensor_dtypes", String.join(",", dtypes));
    info.put("tensors", ckpt.names().size());
    info.put("params_in_files", params);
    if (buffers > 0) info.put("buffer_elements", buffers);
    info.put("shards", ckpt.shards().size());
    info.put("bytes", ckpt.totalBytes());
  }

  private static Map<String, Object> adapter(Path dir) throws IOException {
    PeftAdapter.Config config = PeftAdapter.readConfig(dir);
    LoraSpec lora = config.lora();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("kind", "adapter");
    info.put("peft_type", "LORA");
    info.put("base_model", config.baseModel());
    info.put("rank", lora.rank());
    info.put("alpha", lora.alpha());
    info.put("dropout", lora.dropout());
    JsonNode targets = config.targetModules();
    info.put(
        "target_modules",
        targets.isTextual() ? targets.asText() : String.join(",", lora.targets()));
    info.put("exclude_modules", String.join(",", lora.exclude()));
    info.put("router_trained", !lora.freezeRouter());
    info.put("fan_in_fan_out", config.fanInFanOut());
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir, PeftAdapter.WEIGHTS)) {
      files(info, ckpt);
    }
    Path base = localBase(dir, config.baseModel());
    if (base != null) {
      // The base is a local folder: count what the adapter should hold and check it loads.
      ModelSpec spec = HfConfig.read(base.resolve(HfFolder.CONFIG)).spec();
      try (LoadedAdapter loaded = PeftAdapter.load(dir, spec)) {
        long expected =
            ParameterCount.of(spec, loaded.lora()).lora()
                + (loaded.lora().freezeRouter() || !spec.hasExperts()
                    ? 0
                    : (long) spec.layers() * spec.moe().experts() * spec.hidden());
        info.put("params_from_spec", expected);
        info.put("params_match", expected == (long) info.get("params_in_files"));
        info.put("problem", null);
      } catch (ModelFormatException e) {
        info.put("problem", e.getMessage());
      }
    }
    return info;
  }

  /**
   * The base model's folder when base_model_name_or_path names a local one (as given, or beside the
   * adapter).
   */
  private static Path localBase(Path adapterDir, String name) {
    if (name == null || name.isBlank()) return null;
    try {
      for (Path p : new Path[] {Path.of(name), adapterDir.toAbsolutePath().resolveSibling(name)}) {
        if (Files.isRegularFile(p.resolve(HfFolder.CONFIG))) return p;
      }
    } catch (java.nio.file.InvalidPathException e) {
      return null;
    }
    return null;
  }
}
