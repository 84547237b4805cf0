package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.preset.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HfFolderTest {
  @TempDir Path tmp;

  /** Random weights with exactly the names and shapes of the spec's model. */
  static List<HostTensor> weights(ModelSpec m, long seed) {
    Random r = new Random(seed);
    List<HostTensor> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : HfNames.expected(m).entrySet()) {
      out.add(SafetensorsTest.random(e.getKey(), r, e.getValue()));
    }
    return out;
  }

  static ModelSpec tiny(String type) {
    return switch (type) {
      case "gpt2" -> HfNamesTest.GPT2;
      case "llama" -> HfNamesTest.LLAMA;
      case "qwen2" -> HfNamesTest.QWEN2;
      case "mixtral" -> HfNamesTest.MIXTRAL;
      default -> HfNamesTest.ANNEAL_MOE;
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"gpt2", "llama", "qwen2", "mixtral", "anneal_moe"})
  void saveThenLoadGivesTheSameSpecAndBitIdenticalF32Weights(String type) throws IOException {
    ModelSpec m = tiny(type);
    List<HostTensor> w = weights(m, 11);
    Path dir = tmp.resolve(type);
    HfFolder.save(dir, m, TensorSource.of(w), null, DType.F32);
    assertThat(dir.resolve("config.json")).exists();
    assertThat(dir.resolve("generation_config.json")).exists();
    assertThat(dir.resolve("model.safetensors")).exists();
    try (LoadedModel loaded = HfFolder.load(dir)) {
      assertThat(loaded.modelType()).isEqualTo(type);
      assertThat(loaded.spec()).isEqualTo(m);
      assertThat(loaded.dtype()).isEqualTo(DType.F32);
      assertThat(loaded.tensors().names()).containsExactlyElementsOf(HfNames.expected(m).keySet());
      for (HostTensor t : w) assertThat(loaded.tensors().read(t.name())).isEqualTo(t);
    }
  }

  @Test
  void bf16ShardedFolderWithTokenizer() throws IOException {
    ModelSpec m = HfNamesTest.ANNEAL_MOE;
    List<HostTensor> w = weights(m, 12);
    Path tokenizer = tmp.resolve("tok.json");
    Files.writeString(
        tokenizer,
        """
        {"version": "1.0", "added_tokens": [{"id": 0, "content": "<|endoftext|>", "special": true},
         {"id": 1, "content": "<pad>", "special": true}], "model": {"type": "BPE"}}""");
    Path dir = tmp.resolve("moe");
    HfFolder.save(
        dir,
        m,
        TensorSource.of(w),
        HfFolder.SaveOptions.of(DType.BF16, tokenizer).withMaxShardBytes(300));
    assertThat(dir.resolve("model.safetensors.index.json")).exists();
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    assertThat(Files.readString(dir.resolve("tokenizer.json")))
        .isEqualTo(Files.readString(tokenizer));
    var config = new ObjectMapper().readTree(dir.resolve("config.json").toFile());
    assertThat(config.get("bos_token_id").asInt()).isZero();
    assertThat(config.get("eos_token_id").asInt()).isZero();
    assertThat(config.get("pad_token_id").asInt()).isEqualTo(1);
    var generation = new ObjectMapper().readTree(dir.resolve("generation_config.json").toFile());
    assertThat(generation.get("eos_token_id").asInt()).isZero();
    try (LoadedModel loaded = HfFolder.load(dir)) {
      assertThat(loaded.checkpoint().shards().size()).isGreaterThan(3);
      assertThat(loaded.dtype()).isEqualTo(DType.BF16);
      assertThat(loaded.tokens()).isEqualTo(new TokenIds(0, 0, 1));
      for (HostTensor t : w) {
        float[] back = loaded.tensors().read(t.name()).data();
        for (int i = 0; i < back.length; i++) {
          assertThat(back[i])
              .isEqualTo(HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(t.data()[i])));
        }
      }
    }
  }

  @Test
  void gpt2WithoutBiasesExportsZerosAndLoadsBackIntoTheSamePreset() throws IOException {
    ModelSpec m = HfNamesTest.GPT2_NO_QKV_BIAS;
    List<HostTensor> w = weights(m, 13);
    Path dir = tmp.resolve("gpt2");
    HfFolder.save(dir, m, TensorSource.of(w), null, DType.F32);
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
      assertThat(f.readFloats("transformer.h.0.attn.c_attn.bias")).hasSize(24).containsOnly(0f);
    }
    try (LoadedModel asHf = HfFolder.load(dir)) {
      assertThat(asHf.spec().qkvBias()).isTrue();
      assertThat(asHf.tensors().read("transformer.h.0.attn.c_proj.bias").data()).containsOnly(0f);
    }
    try (LoadedModel asPreset = HfFolder.load(dir, m)) {
      assertThat(asPreset.spec()).isEqualTo(m);
      assertThat(asPreset.tensors().names())
          .containsExactlyElementsOf(HfNames.expected(m).keySet());
      for (HostTensor t : w) assertThat(asPreset.tensors().read(t.name())).isEqualTo(t);
    }
    // A real GPT-2 has nonzero biases: it cannot load into a bias-free preset.
    ModelSpec full =
        HfNamesTest.spec(
            "{family: gpt2, layers: 1, hidden: 8, heads: 2, vocab: 11, "
                + "context: 6, tie_embeddings: false}");
    Path biased = tmp.resolve("biased");
    HfFolder.save(biased, full, TensorSource.of(weights(full, 14)), null, DType.F32);
    assertThatThrownBy(() -> HfFolder.load(biased, m))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("model.safetensors")
        .hasMessageContaining("nonzero transformer.h.0.attn.c_attn.bias")
        .hasMessageContaining("qkv_bias");
  }

  @Test
  void gpt2BaseModelNamesAndMaskBuffersOfOlderCheckpointsAreUnderstood() throws IOException {
    ModelSpec m = HfNamesTest.GPT2;
    List<HostTensor> renamed = new ArrayList<>();
    for (HostTensor t : weights(m, 15)) {
      renamed.add(new HostTensor(t.name().replace("transformer.", ""), t.shape(), t.data()));
    }
    renamed.add(new HostTensor("h.0.attn.bias", new long[] {1, 1, 6, 6}, new float[36]));
    Path dir = tmp.resolve("old");
    Files.createDirectories(dir);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), TensorSource.of(renamed), DType.F32);
    Files.writeString(
        dir.resolve("config.json"), HfConfig.toJson(m, DType.F32, TokenIds.NONE).toString());
    try (LoadedModel loaded = HfFolder.load(dir)) {
      assertThat(loaded.tensors().read("transformer.wte.weight").data())
          .isEqualTo(renamed.getFirst().data());
    }
  }

  @Test
  void missingUnexpectedAndMisshapenTensorsAreOneClearError() throws IOException {
    ModelSpec m = HfNamesTest.LLAMA;
    List<HostTensor> w = new ArrayList<>(weights(m, 16));
    w.removeIf(t -> t.name().equals("model.layers.1.mlp.up_proj.weight"));
    w.add(new HostTensor("model.layers.9.extra.weight", new long[] {1}, new float[1]));
    assertThatThrownBy(
            () -> HfFolder.save(tmp.resolve("x"), m, TensorSource.of(w), null, DType.F32))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("missing model.layers.1.mlp.up_proj.weight")
        .hasMessageContaining("unexpected model.layers.9.extra.weight");
    assertThat(tmp.resolve("x")).doesNotExist();

    Path dir = tmp.resolve("llama");
    HfFolder.save(dir, m, TensorSource.of(weights(m, 17)), null, DType.F32);
    Path file = dir.resolve("model.safetensors");
    List<HostTensor> broken = new ArrayList<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (String n : f.names()) {
        HostTensor t = f.read(n);
        if (n.equals("model.norm.weight")) continue;
        if (n.equals("lm_head.weight")) t = new HostTensor(n, new long[] {8, 11}, t.data());
        broken.add(t);
      }
    }
    SafetensorsWriter.write(file, TensorSource.of(broken), DType.F32);
    assertThatThrownBy(() -> HfFolder.load(dir))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("llama/model.safetensors")
        .hasMessageContaining("missing model.norm.weight")
        .hasMessageContaining("lm_head.weight is [8, 11], expected [11, 8]");
  }

  @Test
  void aPresetOfAnotherArchitectureIsRefusedWithTheFields() throws IOException {
    Path dir = tmp.resolve("mixtral");
    HfFolder.save(
        dir,
        HfNamesTest.MIXTRAL,
        TensorSource.of(weights(HfNamesTest.MIXTRAL, 18)),
        null,
        DType.F16);
    ModelSpec wider =
        HfNamesTest.spec(
            "{family: llama, layers: 1, hidden: 8, heads: 2, kv_heads: 2, "
                + "intermediate: 12, vocab: 11, context: 4096, tie_embeddings: false, "
                + "moe: {experts: 2, experts_per_token: 1, balancing: aux_free}}");
    assertThatThrownBy(() -> HfFolder.load(dir, wider))
        .hasMessageContaining("mixtral/config.json")
        .hasMessageContaining("kvHeads 1 vs 2");
    // Context and balancing are training choices for a RoPE model: the same weights load.
    ModelSpec sameWeights =
        HfNamesTest.spec(
            "{family: llama, layers: 1, hidden: 8, heads: 2, kv_heads: 1, "
                + "intermediate: 12, vocab: 11, context: 4096, tie_embeddings: false, "
                + "moe: {experts: 2, experts_per_token: 1, balancing: aux_free}}");
    try (LoadedModel loaded = HfFolder.load(dir, sameWeights)) {
      assertThat(loaded.spec()).isEqualTo(sameWeights);
      assertThat(loaded.dtype()).isEqualTo(DType.F16);
    }
    assertThatThrownBy(() -> HfFolder.load(tmp)).hasMessageContaining("no config.json");
  }

  @Test
  void savingOverAFolderReplacesItWhole() throws IOException {
    Path dir = tmp.resolve("m");
    HfFolder.save(
        dir,
        HfNamesTest.MIXTRAL,
        TensorSource.of(weights(HfNamesTest.MIXTRAL, 19)),
        null,
        DType.F32);
    Files.writeString(dir.resolve("stale.txt"), "old");
    HfFolder.save(
        dir, HfNamesTest.LLAMA, TensorSource.of(weights(HfNamesTest.LLAMA, 20)), null, DType.F32);
    assertThat(dir.resolve("stale.txt")).doesNotExist();
    try (LoadedModel loaded = HfFolder.load(dir)) {
      assertThat(loaded.modelType()).isEqualTo("llama");
    }
    try (var siblings = Files.list(tmp)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("m");
    }
  }
}
