package dev.anneal.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the begin/end/pad token ids of a {@code tokenizer.json} among its added tokens, by the
 * names the common tokenizers use (GPT-2's {@code <|endoftext|>} serves as both begin and end).
 */
public final class TokenizerSpecials {
  private static final List<String> BOS =
      List.of("<s>", "<|begin_of_text|>", "<|endoftext|>", "<bos>");
  private static final List<String> EOS =
      List.of("</s>", "<|endoftext|>", "<|end_of_text|>", "<eos>", "<|im_end|>");
  private static final List<String> PAD = List.of("<pad>", "<|pad|>", "[PAD]");

  private TokenizerSpecials() {}

  public static TokenIds detect(Path tokenizerJson) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(tokenizerJson.toFile());
    } catch (JacksonException e) {
      throw new ModelFormatException(tokenizerJson, "not valid JSON: " + e.getOriginalMessage());
    }
    Map<String, Integer> ids = new HashMap<>();
    JsonNode added = root == null ? null : root.get("added_tokens");
    if (added != null && added.isArray()) {
      for (JsonNode t : added) {
        if (t.hasNonNull("content") && t.hasNonNull("id"))
          ids.put(t.get("content").asText(), t.get("id").asInt());
      }
    }
    return new TokenIds(first(ids, BOS), first(ids, EOS), first(ids, PAD));
  }

  private static Integer first(Map<String, Integer> ids, List<String> names) {
    for (String n : names) if (ids.containsKey(n)) return ids.get(n);
    return null;
  }
}
