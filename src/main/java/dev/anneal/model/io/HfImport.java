package dev.anneal.model.io;

import dev.anneal.preset.Balancing;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.Position;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Opens a Hugging Face folder: reads config.json, maps the checkpoint's names onto the model's
 * (GPT-2 base-model checkpoints lack the {@code transformer.} prefix; causal-mask and inv_freq
 * buffers of older checkpoints and a tied {@code lm_head} are skipped, as transformers does), and
 * checks every name and shape before any weight is read.
 */
final class HfImport {
  private static final Pattern IGNORED =
      Pattern.compile(
          "(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)|.*\\.rotary_emb\\.inv_freq");

  private HfImport() {}

  static LoadedModel load(Path dir, ModelSpec target) throws IOException {
    if (!Files.isDirectory(dir)) throw new ModelFormatException(dir, "not a folder");
    Path configFile = dir.resolve(HfFolder.CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new ModelFormatException(dir, "no config.json: not a Hugging Face model folder");
    }
    HfConfig.Parsed parsed = HfConfig.read(configFile);
    ModelSpec spec = parsed.spec();
    if (target != null) checkSameArchitecture(configFile, spec, target);
    SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir, "model");
    try {
      Path where = ckpt.index() != null ? ckpt.index() : ckpt.shards().getFirst().path();
      Map<String, String> fileNames = modelNames(ckpt.names(), spec);
      String problem =
          NameCheck.problems(
              HfNames.exported(spec), fileNames.keySet(), n -> ckpt.shape(fileNames.get(n)));
      if (problem != null) {
        throw new ModelFormatException(
            where, "does not match its " + parsed.modelType() + " config: " + problem);
      }
      ModelSpec modelSpec = target != null ? target : spec;
      Map<String, long[]> expected = HfNames.expected(modelSpec);
      for (String name : expected.keySet()) {
        if (!fileNames.containsKey(name)) {
          throw new ModelFormatException(
              where, "has no " + name + ", which the preset's model has");
        }
      }
      for (String name : fileNames.keySet()) {
        if (!expected.containsKey(name)) requireZero(ckpt, fileNames.get(name), where);
      }
      DType dtype =
          parsed.dtype() != null
              ? parsed.dtype()
              : ckpt.names().isEmpty() ? DType.F32 : ckpt.info(ckpt.names().getFirst()).dtype();
      Map<String, String> kept = new LinkedHashMap<>();
      for (String name : expected.keySet()) kept.put(name, fileNames.get(name));
      return new LoadedModel(
          parsed.modelType(),
          modelSpec,
          new RenamedSource(ckpt, kept),
          dtype,
          parsed.tokens(),
          ckpt);
    } catch (IOException | RuntimeException e) {
      ckpt.close();
      throw e;
    }
  }

  /** Model name → name in the file, for every tensor that is not skipped. */
  private static Map<String, String> modelNames(List<String> inFile, ModelSpec spec) {
    boolean gpt2Base =
        HfConfig.modelType(spec).equals("gpt2")
            && inFile.stream().noneMatch(n -> n.startsWith("transformer."));
    Map<String, String> names = new LinkedHashMap<>();
    for (String n : inFile) {
      if (IGNORED.matcher(n).matches() || (spec.tieEmbeddings() && n.equals("lm_head.weight")))
        continue;
      names.put(gpt2Base && !n.equals("lm_head.weight") ? "transformer." + n : n, n);
    }
    return names;
  }

  /** A bias the model lacks may be in the file only as zeros (what Anneal's export writes). */
  private static void requireZero(SafetensorsCheckpoint ckpt, String name, Path where)
      throws IOException {
    for (float v : ckpt.read(name).data()) {
      if (v != 0f) {
        throw new ModelFormatException(
            where,
            "has nonzero "
                + name
                + ", which the preset's model lacks:"
                + " turn its bias on (qkv_bias, out_bias, mlp_bias or norm_bias) to load this checkpoint");
      }
    }
  }

  /**
   * The target must have the checkpoint's architecture. Biases are settled by the tensors, training
   * settings (dropout, init, balancing) may differ, and so may the context of a RoPE model (it has
   * no position table: seed 001 trains Mixtral at 4K of its 32K).
   */
  private static void checkSameArchitecture(Path file, ModelSpec checkpoint, ModelSpec target)
      throws ModelFormatException {
    ModelSpec a = architecture(checkpoint);
    ModelSpec b = architecture(target);
    List<String> differ = new ArrayList<>();
    for (RecordComponent c : ModelSpec.class.getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        if (!Objects.equals(x, y)) differ.add(c.getName() + " " + x + " vs " + y);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    if (!differ.isEmpty()) {
      throw new ModelFormatException(
          file,
          "the checkpoint's architecture differs from the preset's: " + String.join(", ", differ));
    }
  }

  private static ModelSpec architecture(ModelSpec m) {
    MoeSpec moe =
        m.moe() == null
            ? null
            : new MoeSpec(
                m.moe().experts(),
                m.moe().expertsPerToken(),
                m.moe().sharedExperts(),
                (int) HfNames.expertIntermediate(m),
                Balancing.NONE,
                0.0,
                0.0,
                m.moe().routeScale(),
                m.moe().groups(),
                m.moe().topkGroups());
    return new ModelSpec(
        m.family(),
        m.layers(),
        m.hidden(),
        m.heads(),
        m.kvHeads(),
        m.headDim(),
        moe != null ? null : m.intermediate(),
        m.vocab(),
        m.position() == Position.LEARNED ? m.context() : null,
        m.position(),
        m.norm(),
        m.normEps(),
        m.activation(),
        false,
        false,
        false,
        false,
        m.tieEmbeddings(),
        m.ropeTheta(),
        m.ropeScaling(),
        moe,
        0.0,
        0.02);
  }
}
