package dev.anneal.export.gguf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.model.io.HostTensor;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import dev.anneal.preset.RopeScaling;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tokenizer keys from Qwen2- and Llama 3-style files, and the architecture refusals. */
class GgufVocabTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String QWEN2 =
      "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
  @TempDir Path tmp;

  /** A five-token BPE with a split + ByteLevel pre-tokenizer and three added tokens. */
  Path tokenizer(String pattern) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode added = root.putArray("added_tokens");
    added.addObject().put("id", 5).put("content", "<|endoftext|>").put("special", true);
    added.addObject().put("id", 6).put("content", "<|im_start|>").put("special", true);
    added.addObject().put("id", 7).put("content", "<|im_end|>").put("special", true);
    added.addObject().put("id", 8).put("content", "<tool>").put("special", false);
    root.putObject("normalizer").put("type", "NFC");
    ObjectNode pre = root.putObject("pre_tokenizer").put("type", "Sequence");
    ArrayNode steps = pre.putArray("pretokenizers");
    steps.addObject().put("type", "Split").putObject("pattern").put("Regex", pattern);
    steps.addObject().put("type", "ByteLevel").put("use_regex", false);
    ObjectNode model = root.putObject("model").put("type", "BPE");
    model.putObject("vocab").put("a", 0).put("b", 1).put("ab", 2).put("Ġ", 3).put("Ġab", 4);
    model.putArray("merges").add("a b").add(JSON.createArrayNode().add("Ġ").add("ab"));
    Path dir = Files.createDirectories(tmp.resolve("t"));
    JSON.writeValue(dir.resolve("tokenizer.json").toFile(), root);
    JSON.writeValue(
        dir.resolve("tokenizer_config.json").toFile(),
        JSON.createObjectNode()
            .put("eos_token", "<|im_end|>")
            .put("add_bos_token", false)
            .put(
                "chat_template",
                "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content }}<|im_end|>{% endfor %}"));
    return dir.resolve("tokenizer.json");
  }

  @Test
  void qwen2StyleTokenizerBecomesLlamaCppKeys() throws IOException {
    GgufVocab v = GgufVocab.read(tokenizer(QWEN2), 10);
    assertThat(v.pre()).isEqualTo("qwen2");
    assertThat(v.tokens())
        .containsExactly(
            "a",
            "b",
            "ab",
            "Ġ",
            "Ġab",
            "<|endoftext|>",
            "<|im_start|>",
            "<|im_end|>",
            "<tool>",
            "[PAD9]");
    assertThat(v.types()).containsExactly(1, 1, 1, 1, 1, 3, 3, 3, 4, 5);
    assertThat(v.merges()).containsExactly("a b", "Ġ ab");
    assertThat(v.eos()).isEqualTo(7); // the config's eos_token wins over the name guess
    assertThat(v.stopTokens()).containsExactly("<|im_end|>");
    assertThat(v.chatTemplate()).startsWith("{% for m in messages %}");

    GgufWriter w = new GgufWriter();
    v.metadata(w);
    Path f = tmp.resolve("v.gguf");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.write(out);
    Files.write(f, out.toByteArray());
    Map<String, Object> meta = new GgufReader(f).meta;
    assertThat(meta.get("tokenizer.ggml.pre")).isEqualTo("qwen2");
    assertThat(meta.get("tokenizer.ggml.token_type"))
        .isEqualTo(List.of(1, 1, 1, 1, 1, 3, 3, 3, 4, 5));
    assertThat(meta.get("tokenizer.ggml.eos_token_id")).isEqualTo(7L);
    assertThat(meta.get("tokenizer.ggml.add_bos_token")).isEqualTo(false);
  }

  @Test
  void llama3SplitIsNamedAndAnUnknownSplitIsRefused() throws IOException {
    String llama3 = QWEN2.replace("\\p{N}|", "\\p{N}{1,3}|");
    assertThat(GgufVocab.read(tokenizer(llama3), 10).pre()).isEqualTo("llama-bpe");
    Path odd = tokenizer("\\s+");
    assertThatThrownBy(() -> GgufVocab.read(odd, 10))
        .hasMessage(
            odd
                + ": not exportable to GGUF: a split pattern llama.cpp has no pre-tokenizer for: \\s+");
  }

  @Test
  void aTokenPastTheModelsVocabularyIsNamed() throws IOException {
    Path t = tokenizer(QWEN2);
    assertThatThrownBy(() -> GgufVocab.read(t, 8))
        .hasMessage(t + ": token 8 ('<tool>') is past the model's vocabulary of 8");
  }

  @Test
  void sentencePieceStyleBpeIsRefused() throws IOException {
    Path t = tokenizer(QWEN2);
    ObjectNode root = (ObjectNode) JSON.readTree(t.toFile());
    ((ObjectNode) root.get("model")).put("byte_fallback", true);
    JSON.writeValue(t.toFile(), root);
    assertThatThrownBy(() -> GgufVocab.read(t, 10))
        .hasMessageContaining(
            "not exportable to GGUF: a SentencePiece-style BPE with byte_fallback (only byte-level BPE is exported)");
  }

  static ModelSpec llama(MoeSpec moe, RopeScaling rope, Boolean outBias) {
    return ModelSpec.builder(Family.LLAMA)
        .size(2, 32, 4, 10, 64)
        .kvHeads(2)
        .intermediate(64)
        .qkvBias(false)
        .outBias(outBias)
        .tieEmbeddings(false)
        .ropeScaling(rope)
        .moe(moe)
        .build();
  }

  @Test
  void architecturesLlamaCppRunsDifferentlyAreRefusedNamingWhy() {
    assertThatThrownBy(
            () ->
                GgufArchitecture.of(
                    llama(
                        MoeSpec.routed(4, 2).withShared(1, 16).withRouting(2.5, 2, 1), null, null)))
        .hasMessage(
            "not exportable to GGUF: llama.cpp's llama architecture does not support shared experts"
                + " (1 here; Mixtral has none); route_scale 2.5; group-limited routing");
    assertThatThrownBy(
            () ->
                GgufArchitecture.of(
                    llama(null, new RopeScaling("yarn", 4.0, 16, 16.0, 1.0, 1.0), true)))
        .hasMessage(
            "not exportable to GGUF: llama.cpp's llama architecture does not support an output-projection bias; "
                + "YaRN with beta_fast/beta_slow/mscale other than 32/1/1");
  }

  @Test
  void yarnScalingIsWrittenAsLlamaCppReadsIt() throws IOException {
    ModelSpec m = llama(null, new RopeScaling("yarn", 4.0, 16, null, null, null), null);
    GgufWriter w = new GgufWriter();
    GgufArchitecture.metadata(w, m, GgufArchitecture.of(m));
    Path f = tmp.resolve("y.gguf");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    w.write(out);
    Files.write(f, out.toByteArray());
    Map<String, Object> meta = new GgufReader(f).meta;
    assertThat(meta)
        .containsEntry("llama.rope.scaling.type", "yarn")
        .containsEntry("llama.rope.scaling.factor", 4.0f)
        .containsEntry("llama.rope.scaling.original_context_length", 16L)
        .containsEntry("llama.rope.dimension_count", 8L)
        .containsEntry("llama.attention.layer_norm_rms_epsilon", 1e-6f)
        .containsEntry("llama.rope.freq_base", 10000f);
  }

  @Test
  void aNonZeroBalancingBiasIsRefused() {
    ModelSpec m = llama(MoeSpec.routed(4, 2), null, null);
    HostTensor bias =
        new HostTensor(
            "model.layers.0.block_sparse_moe.gate.e_score_correction_bias",
            new long[] {4},
            new float[] {0, 0.1f, 0, 0});
    assertThatThrownBy(() -> GgufTensors.of(m, "llama", Map.of(bias.name(), bias), GgufType.F16))
        .hasMessage(
            "not exportable to GGUF: model.layers.0.block_sparse_moe.gate.e_score_correction_bias"
                + " (aux-free balancing bias) is non-zero and llama.cpp's Mixtral routing has no such bias");
  }
}
