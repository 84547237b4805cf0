package dev.anneal.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Hugging Face {@code config.json} ⇄ {@link ModelSpec}, with transformers' field names for {@code
 * gpt2}, {@code llama}, {@code qwen2} and {@code mixtral}, and our own {@code anneal_moe} (Llama
 * attention with routed plus shared experts and aux-loss-free balancing, seed 004).
 */
public final class HfConfig {
  public static final List<String> MODEL_TYPES =
      List.of("gpt2", "llama", "qwen2", "mixtral", "anneal_moe");

  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HfConfig() {}

  /**
   * What a config.json says.
   *
   * @param dtype the {@code torch_dtype}/{@code dtype} it names, or null
   */
  public record Parsed(String modelType, ModelSpec spec, DType dtype, TokenIds tokens) {}

  /**
   * The model_type a spec exports as. Unlike {@link ModelSpec#hfModelType()} this also knows that
   * q/k/v plus o_proj bias is Llama's {@code attention_bias} (Qwen2 has no o_proj bias).
   */
  public static String modelType(ModelSpec m) {
    if (m.family() == Family.GPT2) return "gpt2";
    if (m.hasExperts()) return m.moe().sharedExperts() > 0 ? "anneal_moe" : "mixtral";
    return m.qkvBias() && !m.outBias() && !m.mlpBias() ? "qwen2" : "llama";
  }

  /** The config of a spec; {@link IllegalArgumentException} when transformers cannot express it. */
  public static ObjectNode toJson(ModelSpec m, DType dtype, TokenIds tokens) {
    String type = modelType(m);
    ObjectNode c = JSON.createObjectNode();
    c.putArray("architectures").add(architecture(type));
    c.put("model_type", type);
    if (type.equals("gpt2")) Gpt2Config.write(c, m);
    else LlamaConfig.write(c, m, type);
    c.put("vocab_size", m.vocab());
    c.put("tie_word_embeddings", m.tieEmbeddings());
    c.put("initializer_range", m.initStd());
    c.put("use_cache", true);
    if (tokens.bos() != null) c.put("bos_token_id", tokens.bos());
    if (tokens.eos() != null) c.put("eos_token_id", tokens.eos());
    if (tokens.pad() != null) c.put("pad_token_id", tokens.pad());
    // transformers before 4.56 reads torch_dtype, later ones dtype.
    c.put("torch_dtype", dtype.torchName());
    c.put("dtype", dtype.torchName());
    return c;
  }

  static String architecture(String modelType) {
    return switch (modelType) {
      case "gpt2" -> "GPT2LMHeadModel";
      case "llama" -> "LlamaForCausalLM";
      case "qwen2" -> "Qwen2ForCausalLM";
      case "mixtral" -> "MixtralForCausalLM";
      default -> "AnnealMoeForCausalLM";
    };
  }

  public static Parsed read(Path file) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new ModelFormatException(file, "not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.FileNotFoundException | NoSuchFileException e) {
      throw new ModelFormatException(file, "no such file");
    }
    return fromJson(root, file);
  }

  /** Reads a config; {@code file} names it in errors. */
  public static Parsed fromJson(JsonNode root, Path file) throws ModelFormatException {
    if (root == null || !root.isObject()) throw new ModelFormatException(file, "not a JSON object");
    JsonNode typeNode = root.get("model_type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw new ModelFormatException(file, "no model_type (expected one of " + MODEL_TYPES + ")");
    }
    String type = typeNode.asText();
    if (!MODEL_TYPES.contains(type)) {
      throw new ModelFormatException(
          file,
          "model_type '"
              + type
              + "' is not supported (Anneal reads "
              + String.join(", ", MODEL_TYPES)
              + ")");
    }
    ConfigFields f = new ConfigFields(root, file, "model_type " + type);
    ModelSpec spec = type.equals("gpt2") ? Gpt2Config.read(f) : LlamaConfig.read(f, type);
    String dtypeName = f.stringOr("dtype", f.stringOr("torch_dtype", null));
    DType dtype = null;
    if (dtypeName != null) {
      try {
        dtype = DType.parse(dtypeName);
      } catch (IllegalArgumentException e) {
        throw f.problem("unknown dtype '" + dtypeName + "'");
      }
    }
    return new Parsed(
        type,
        spec,
        dtype,
        new TokenIds(
            f.tokenId("bos_token_id"), f.tokenId("eos_token_id"), f.tokenId("pad_token_id")));
  }
}
