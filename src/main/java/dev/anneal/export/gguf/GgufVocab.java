package dev.anneal.export.gguf;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.model.io.TokenIds;
import dev.anneal.model.io.TokenizerSpecials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A byte-level BPE {@code tokenizer.json} (and the {@code tokenizer_config.json} beside it, when
 * there is one) as llama.cpp's {@code tokenizer.*} keys: model {@code gpt2}, the pre-tokenizer
 * llama.cpp names for the split pattern, tokens by id, token types, merges, special ids and the
 * chat template. Ids past the tokenizer up to the model's vocabulary become unused {@code [PADn]}.
 *
 * @param tokens V token strings, id order
 * @param types V llama.cpp token types (1 normal, 3 control, 4 user-defined, 5 unused)
 * @param eos the end-of-text id, or null
 * @param stopTokens strings a chat front end should stop on (eos and ChatML's end marker)
 */
public record GgufVocab(
    String pre,
    List<String> tokens,
    int[] types,
    List<String> merges,
    Integer bos,
    Integer eos,
    Integer pad,
    Integer unk,
    boolean addBos,
    String chatTemplate,
    List<String> stopTokens) {

  static final int NORMAL = 1, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5;

  /** Split patterns by the name llama.cpp's pre-tokenizer knows them under. */
  private static final Map<String, String> SPLIT_PATTERNS =
      Map.of(
          "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
          "llama-bpe",
          "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
          "qwen2");

  /** Reads {@code file}; a one-line error names the file and what llama.cpp could not reproduce. */
  public static GgufVocab read(Path file, int modelVocab) throws IOException {
    JsonNode root = json(file);
    JsonNode model = root.path("model");
    String kind = model.path("type").asText("?");
    if (!kind.equals("BPE"))
      throw unsupported(file, "a " + kind + " tokenizer (only byte-level BPE is exported)");
    if (model.path("byte_fallback").asBoolean(false)) {
      throw unsupported(
          file, "a SentencePiece-style BPE with byte_fallback (only byte-level BPE is exported)");
    }
    String pre = preTokenizer(file, root.path("pre_tokenizer"));
    JsonNode norm = root.path("normalizer");
    if (!norm.isMissingNode() && !norm.isNull() && !norm.path("type").asText().equals("NFC")) {
      throw unsupported(
          file, "normalizer " + norm.path("type").asText() + " (llama.cpp applies none)");
    }
    String[] byId = new String[modelVocab];
    int[] types = new int[modelVocab];
    for (var e : model.path("vocab").properties())
      place(file, byId, types, e.getValue().asInt(), e.getKey(), NORMAL);
    for (JsonNode t : root.path("added_tokens")) {
      place(
          file,
          byId,
          types,
          t.path("id").asInt(),
          t.path("content").asText(),
          t.path("special").asBoolean(false) ? CONTROL : USER_DEFINED);
    }
    for (int i = 0; i < modelVocab; i++) {
      if (byId[i] == null) {
        byId[i] = "[PAD" + i + "]";
        types[i] = UNUSED;
      }
    }
    List<String> merges = new ArrayList<>();
    for (JsonNode mg : model.path("merges")) {
      merges.add(mg.isArray() ? mg.get(0).asText() + " " + mg.get(1).asText() : mg.asText());
    }
    List<String> tokens = Arrays.asList(byId);
    JsonNode config = config(file.resolveSibling("tokenizer_config.json"));
    TokenIds found = TokenizerSpecials.detect(file);
    Integer bos = idOf(tokens, config.path("bos_token"), found.bos());
    Integer eos = idOf(tokens, config.path("eos_token"), found.eos());
    Integer pad = idOf(tokens, config.path("pad_token"), found.pad());
    Integer unk = idOf(tokens, model.path("unk_token"), null);
    boolean addBos =
        config.has("add_bos_token")
            ? config.path("add_bos_token").asBoolean()
            : prependsSpecial(root);
    String template =
        config.path("chat_template").isTextual() ? config.path("chat_template").asText() : null;
    List<String> stops = new ArrayList<>();
    if (eos != null) stops.add(tokens.get(eos));
    if (template != null && template.contains("<|im_end|>") && !stops.contains("<|im_end|>"))
      stops.add("<|im_end|>");
    return new GgufVocab(
        pre,
        List.copyOf(tokens),
        types,
        List.copyOf(merges),
        bos,
        eos,
        pad,
        unk,
        addBos,
        template,
        List.copyOf(stops));
  }

  /** Writes the {@code tokenizer.*} keys. */
  public void metadata(GgufWriter w) {
    w.putString("tokenizer.ggml.model", "gpt2");
    w.putString("tokenizer.ggml.pre", pre);
    w.putStrings("tokenizer.ggml.tokens", tokens);
    w.putI32s("tokenizer.ggml.token_type", types);
    w.putStrings("tokenizer.ggml.merges", merges);
    if (bos != null) w.putU32("tokenizer.ggml.bos_token_id", bos);
    if (eos != null) w.putU32("tokenizer.ggml.eos_token_id", eos);
    if (pad != null) w.putU32("tokenizer.ggml.padding_token_id", pad);
    if (unk != null) w.putU32("tokenizer.ggml.unknown_token_id", unk);
    w.putBool("tokenizer.ggml.add_bos_token", addBos);
    if (chatTemplate != null) w.putString("tokenizer.chat_template", chatTemplate);
  }

  private static String preTokenizer(Path file, JsonNode pre) throws IOException {
    String type = pre.path("type").asText("none");
    if (type.equals("ByteLevel")) {
      if (!pre.path("use_regex").asBoolean(true) || pre.path("add_prefix_space").asBoolean(false)) {
        throw unsupported(
            file, "a ByteLevel pre-tokenizer without GPT-2's split or with add_prefix_space");
      }
      return "gpt-2";
    }
    if (type.equals("Sequence")) {
      JsonNode steps = pre.path("pretokenizers");
      if (steps.size() == 2
          && steps.get(0).path("type").asText().equals("Split")
          && steps.get(1).path("type").asText().equals("ByteLevel")) {
        String pattern = steps.get(0).path("pattern").path("Regex").asText();
        String name = SPLIT_PATTERNS.get(pattern);
        if (name != null) return name;
        throw unsupported(file, "a split pattern llama.cpp has no pre-tokenizer for: " + pattern);
      }
    }
    throw unsupported(
        file,
        "pre-tokenizer "
            + type
            + " (exported: ByteLevel, or Llama 3's or Qwen2's split + ByteLevel)");
  }

  private static void place(Path file, String[] byId, int[] types, int id, String token, int type)
      throws IOException {
    if (id < 0 || id >= byId.length) {
      throw new IOException(
          file
              + ": token "
              + id
              + " ('"
              + token
              + "') is past the model's vocabulary of "
              + byId.length);
    }
    byId[id] = token;
    types[id] = type;
  }

  /** The id of a token named in a config (a string or {content: ...}), else the fallback. */
  private static Integer idOf(List<String> tokens, JsonNode named, Integer fallback) {
    String content = named.isTextual() ? named.asText() : named.path("content").asText(null);
    if (content != null) {
      int i = tokens.indexOf(content);
      if (i >= 0) return i;
    }
    return fallback;
  }

  private static boolean prependsSpecial(JsonNode root) {
    JsonNode post = root.path("post_processor");
    JsonNode single = post.path("single");
    return post.path("type").asText().equals("TemplateProcessing")
        && single.size() > 0
        && single.get(0).has("SpecialToken");
  }

  private static JsonNode json(Path file) throws IOException {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (JacksonException e) {
      throw new IOException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static JsonNode config(Path file) throws IOException {
    return Files.isRegularFile(file) ? json(file) : new ObjectMapper().createObjectNode();
  }

  private static IOException unsupported(Path file, String what) {
    return new IOException(file + ": not exportable to GGUF: " + what);
  }
}
