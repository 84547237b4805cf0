package dev.anneal.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes a trained vocabulary as a Hugging Face {@code tokenizer.json}: the special tokens as added
 * tokens (ids 0..5), a {@code ByteLevel} pre-tokenizer and decoder, no normalizer or post-processor
 * (Anneal inserts EOS and FIM markers itself), and a {@code BPE} model with the vocabulary and
 * merges in rank order. DJL's HuggingFaceTokenizer and HF's tokenizers load it.
 */
public final class TokenizerJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TokenizerJson() {}

  public static void write(Path file, BpeTrainer.Result r) throws IOException {
    AtomicFiles.writeString(file, MAPPER.writeValueAsString(build(r)) + "\n");
  }

  static ObjectNode build(BpeTrainer.Result r) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    int id = 0;
    for (String s : SpecialTokens.ALL) {
      ObjectNode t = added.addObject();
      t.put("id", id++);
      t.put("content", s);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }
    root.putNull("normalizer");
    root.set("pre_tokenizer", byteLevel(f, false));
    root.putNull("post_processor");
    root.set("decoder", byteLevel(f, true));
    ObjectNode model = root.putObject("model");
    model.put("type", "BPE");
    model.putNull("dropout");
    model.putNull("unk_token");
    model.putNull("continuing_subword_prefix");
    model.putNull("end_of_word_suffix");
    model.put("fuse_unk", false);
    model.put("byte_fallback", false);
    model.put("ignore_merges", false);
    ObjectNode vocab = model.putObject("vocab");
    id = 0;
    for (String s : SpecialTokens.ALL) vocab.put(s, id++);
    for (String s : r.symbols()) vocab.put(s, id++);
    ArrayNode merges = model.putArray("merges");
    for (String[] m : r.merges()) merges.addArray().add(m[0]).add(m[1]);
    return root;
  }

  private static ObjectNode byteLevel(JsonNodeFactory f, boolean decoder) {
    ObjectNode n = f.objectNode();
    n.put("type", "ByteLevel");
    n.put("add_prefix_space", false);
    n.put("trim_offsets", !decoder);
    n.put("use_regex", true);
    return n;
  }
}
