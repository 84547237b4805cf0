package dev.anneal.model.io;

import dev.anneal.io.AtomicFiles;
import dev.anneal.preset.ModelSpec;
import dev.anneal.task.Cancellation;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Hugging Face model folder as transformers writes it: {@code config.json}, {@code
 * generation_config.json}, {@code model.safetensors} (or shards plus {@code
 * model.safetensors.index.json}) and the tokenizer. Saved atomically as a whole folder; loaded
 * lazily with every name and shape checked against the spec ({@link HfImport}).
 */
public final class HfFolder {
  public static final String CONFIG = "config.json";
  public static final String GENERATION_CONFIG = "generation_config.json";
  public static final String TOKENIZER = "tokenizer.json";

  private HfFolder() {}

  /**
   * How to save.
   *
   * @param tokenizer a {@code tokenizer.json} to copy in, or null
   * @param tokens special token ids; null to find them in the tokenizer
   * @param maxShardBytes data bytes per safetensors shard
   */
  public record SaveOptions(
      DType dtype,
      Path tokenizer,
      TokenIds tokens,
      long maxShardBytes,
      ProgressListener listener,
      Cancellation cancellation) {
    public static SaveOptions of(DType dtype, Path tokenizer) {
      return new SaveOptions(
          dtype,
          tokenizer,
          null,
          CheckpointWriter.DEFAULT_SHARD_BYTES,
          ProgressListener.NONE,
          Cancellation.none());
    }

    public SaveOptions withMaxShardBytes(long bytes) {
      return new SaveOptions(dtype, tokenizer, tokens, bytes, listener, cancellation);
    }
  }

  public static void save(
      Path dir, ModelSpec spec, TensorSource tensors, Path tokenizer, DType dtype)
      throws IOException {
    save(dir, spec, tensors, SaveOptions.of(dtype, tokenizer));
  }

  /**
   * Writes the folder. {@code tensors} must hold exactly {@link HfNames#expected} of the spec; for
   * GPT-2 the biases the spec lacks are written as zeros, since transformers' GPT-2 has them.
   */
  public static void save(Path dir, ModelSpec spec, TensorSource tensors, SaveOptions options)
      throws IOException {
    Map<String, long[]> expected = HfNames.expected(spec);
    String problem = NameCheck.problems(expected, tensors.names(), tensors::shape);
    if (problem != null) {
      throw new IllegalArgumentException(
          "the weights do not match the " + HfConfig.modelType(spec) + " spec: " + problem);
    }
    if (options.tokenizer() != null && !Files.isRegularFile(options.tokenizer())) {
      throw new ModelFormatException(options.tokenizer(), "no such tokenizer file");
    }
    TokenIds tokens =
        options.tokens() != null
            ? options.tokens()
            : options.tokenizer() != null
                ? TokenizerSpecials.detect(options.tokenizer())
                : TokenIds.NONE;
    String config =
        HfConfig.JSON.writeValueAsString(HfConfig.toJson(spec, options.dtype(), tokens));
    TensorSource withZeros = ZeroFilled.over(tensors, HfNames.exported(spec));
    WriteProgress progress = new WriteProgress(options.listener(), options.cancellation(), -1);
    AtomicFiles.writeDirectory(
        dir,
        tmp -> {
          AtomicFiles.writeString(tmp.resolve(CONFIG), config + "\n");
          AtomicFiles.writeString(tmp.resolve(GENERATION_CONFIG), generationConfig(tokens) + "\n");
          CheckpointWriter.write(
              tmp,
              "model",
              withZeros,
              withZeros.names(),
              options.dtype(),
              options.maxShardBytes(),
              progress);
          if (options.tokenizer() != null) {
            Files.copy(options.tokenizer(), tmp.resolve(TOKENIZER));
            AtomicFiles.writeString(
                tmp.resolve("tokenizer_config.json"),
                tokenizerConfig(spec, options.tokenizer()) + "\n");
          }
        });
  }

  private static String generationConfig(TokenIds tokens) throws IOException {
    var g = HfConfig.JSON.createObjectNode();
    g.put("_from_model_config", true);
    if (tokens.bos() != null) g.put("bos_token_id", tokens.bos());
    if (tokens.eos() != null) g.put("eos_token_id", tokens.eos());
    if (tokens.pad() != null) g.put("pad_token_id", tokens.pad());
    return HfConfig.JSON.writeValueAsString(g);
  }

  /**
   * Enough for AutoTokenizer to load tokenizer.json as a fast tokenizer, with the chat template and
   * special token names of the tokenizer's own {@code tokenizer_config.json} when it has one.
   */
  private static String tokenizerConfig(ModelSpec spec, Path tokenizer) throws IOException {
    var t = HfConfig.JSON.createObjectNode();
    t.put("tokenizer_class", "PreTrainedTokenizerFast");
    t.put("model_max_length", spec.context());
    Path own = tokenizer.resolveSibling("tokenizer_config.json");
    if (Files.isRegularFile(own)) {
      var given = HfConfig.JSON.readTree(own.toFile());
      for (String key : java.util.List.of("bos_token", "eos_token", "pad_token", "chat_template")) {
        if (given.has(key)) t.set(key, given.get(key));
      }
    }
    return HfConfig.JSON.writeValueAsString(t);
  }

  /** Opens a folder with the architecture its config.json describes. */
  public static LoadedModel load(Path dir) throws IOException {
    return HfImport.load(dir, null);
  }

  /**
   * Opens a folder for a model of {@code target}: the checkpoint must have the same architecture;
   * biases the target lacks must be zero in the file (a GPT-2 folder always has them, Anneal writes
   * zeros for absent ones).
   */
  public static LoadedModel load(Path dir, ModelSpec target) throws IOException {
    return HfImport.load(dir, target);
  }

  /** Whether a folder looks like a Hugging Face model folder. */
  public static boolean isModelFolder(Path dir) {
    return Files.isRegularFile(dir.resolve(CONFIG)) && SafetensorsCheckpoint.exists(dir, "model");
  }
}
