package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterTest {
  @TempDir Path tmp;

  static List<HostTensor> adapterWeights(ModelSpec base, LoraSpec lora, long seed) {
    Random r = new Random(seed);
    List<HostTensor> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : PeftAdapter.expected(base, lora).entrySet()) {
      out.add(SafetensorsTest.random(e.getKey(), r, e.getValue()));
    }
    return out;
  }

  static JsonNode json(Path file) throws IOException {
    return new ObjectMapper().readTree(file.toFile());
  }

  @Test
  void mixtralAttentionAdapterRoundTripsWithPeftKeys() throws IOException {
    ModelSpec base = HfNamesTest.MIXTRAL;
    // Seed 001: attention only, experts and router frozen.
    LoraSpec lora =
        new LoraSpec(
            4,
            8.0,
            0.05,
            List.of("q_proj", "k_proj", "v_proj", "o_proj"),
            List.of("block_sparse_moe", "w1", "w2", "w3", "gate"),
            true);
    List<HostTensor> w = adapterWeights(base, lora, 21);
    Path dir = tmp.resolve("adapter");
    PeftAdapter.save(dir, base, lora, TensorSource.of(w), "mistralai/Mixtral-8x7B-v0.1", DType.F32);
    JsonNode config = json(dir.resolve("adapter_config.json"));
    assertThat(config.get("peft_type").asText()).isEqualTo("LORA");
    assertThat(config.get("task_type").asText()).isEqualTo("CAUSAL_LM");
    assertThat(config.get("r").asInt()).isEqualTo(4);
    assertThat(config.get("lora_alpha").asDouble()).isEqualTo(8.0);
    assertThat(config.get("lora_dropout").asDouble()).isEqualTo(0.05);
    assertThat(config.get("bias").asText()).isEqualTo("none");
    assertThat(config.get("fan_in_fan_out").asBoolean()).isFalse();
    assertThat(config.get("base_model_name_or_path").asText())
        .isEqualTo("mistralai/Mixtral-8x7B-v0.1");
    assertThat(PeftAdapter.strings(config.get("target_modules")))
        .containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
      assertThat(f.names())
          .hasSize(8)
          .contains(
              "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
              "base_model.model.model.layers.0.self_attn.o_proj.lora_B.weight");
      assertThat(f.shape("base_model.model.model.layers.0.self_attn.k_proj.lora_B.weight"))
          .containsExactly(4, 4);
    }
    try (LoadedAdapter loaded = PeftAdapter.load(dir, base)) {
      assertThat(loaded.lora()).isEqualTo(lora);
      assertThat(loaded.config().baseModel()).isEqualTo("mistralai/Mixtral-8x7B-v0.1");
      for (HostTensor t : w) assertThat(loaded.tensors().read(t.name())).isEqualTo(t);
    }
  }

  @Test
  void gpt2AdaptersSetFanInFanOutAndKeepConv1dInOut() throws IOException {
    ModelSpec base = HfNamesTest.GPT2;
    LoraSpec lora = new LoraSpec(2, 4.0, 0.0, List.of("c_attn"), List.of(), true);
    Path dir = tmp.resolve("gpt2");
    List<HostTensor> w = adapterWeights(base, lora, 22);
    PeftAdapter.save(dir, base, lora, TensorSource.of(w), "gpt2", DType.BF16);
    assertThat(json(dir.resolve("adapter_config.json")).get("fan_in_fan_out").asBoolean()).isTrue();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
      assertThat(f.shape("base_model.model.transformer.h.1.attn.c_attn.lora_A.weight"))
          .containsExactly(2, 8);
      assertThat(f.shape("base_model.model.transformer.h.1.attn.c_attn.lora_B.weight"))
          .containsExactly(24, 2);
    }
    try (LoadedAdapter loaded = PeftAdapter.load(dir, base)) {
      assertThat(loaded.dtype()).isEqualTo(DType.BF16);
      assertThat(loaded.config().fanInFanOut()).isTrue();
    }
  }

  /** Excluding a container has no PEFT list form: a regular expression names the modules. */
  @Test
  void containerExclusionsBecomeARegexThatMatchesExactlyTheAdaptedModules() throws IOException {
    ModelSpec base = HfNamesTest.ANNEAL_MOE;
    LoraSpec lora =
        new LoraSpec(
            2, null, null, List.of("q_proj", "gate_proj", "w1", "gate"), List.of("experts"), false);
    Path dir = tmp.resolve("moe");
    PeftAdapter.save(
        dir, base, lora, TensorSource.of(adapterWeights(base, lora, 23)), "base", DType.F32);
    JsonNode config = json(dir.resolve("adapter_config.json"));
    assertThat(config.get("target_modules").isTextual()).isTrue();
    assertThat(PeftAdapter.strings(config.get("modules_to_save"))).containsExactly("gate");
    Pattern regex = Pattern.compile(config.get("target_modules").asText());
    assertThat(regex.matcher("model.layers.0.self_attn.q_proj").matches()).isTrue();
    assertThat(regex.matcher("model.layers.0.block_sparse_moe.shared_experts.gate_proj").matches())
        .isTrue();
    assertThat(regex.matcher("model.layers.0.block_sparse_moe.gate").matches()).isTrue();
    assertThat(regex.matcher("model.layers.0.block_sparse_moe.experts.1.w1").matches()).isFalse();
    assertThat(regex.matcher("model.layers.0.self_attn.k_proj").matches()).isFalse();
    try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("adapter_model.safetensors"))) {
      assertThat(f.names())
          .contains("base_model.model.model.layers.0.block_sparse_moe.gate.weight");
    }
    try (LoadedAdapter loaded = PeftAdapter.load(dir, base)) {
      assertThat(ModuleNames.adaptedPaths(base, loaded.lora(), 0))
          .isEqualTo(ModuleNames.adaptedPaths(base, lora, 0));
      assertThat(loaded.lora().freezeRouter()).isFalse();
      assertThat(loaded.tensors().names())
          .containsExactlyElementsOf(PeftAdapter.expected(base, lora).keySet());
    }
  }

  @Test
  void peftsOwnKeyVariantsAreRead() throws IOException {
    ModelSpec base = HfNamesTest.LLAMA;
    LoraSpec lora = new LoraSpec(2, 2.0, 0.0, List.of("v_proj"), List.of(), true);
    List<HostTensor> w = adapterWeights(base, lora, 24);
    List<HostTensor> keyed = new ArrayList<>();
    for (HostTensor t : w) {
      String key =
          t.name().startsWith("model.layers.0.")
              ? "base_model.model." + t.name().replace(".weight", ".default.weight")
              : t.name();
      keyed.add(new HostTensor(key, t.shape(), t.data()));
    }
    Path dir = Files.createDirectories(tmp.resolve("peft"));
    SafetensorsWriter.write(
        dir.resolve("adapter_model.safetensors"), TensorSource.of(keyed), DType.F32);
    Files.writeString(
        dir.resolve("adapter_config.json"),
        """
        {"peft_type": "LORA", "r": 2, "lora_alpha": 2, "target_modules": ["v_proj"], "bias": "none",
         "task_type": "CAUSAL_LM", "base_model_name_or_path": "x"}""");
    try (LoadedAdapter loaded = PeftAdapter.load(dir, base)) {
      assertThat(loaded.lora()).isEqualTo(lora);
      for (HostTensor t : w) assertThat(loaded.tensors().read(t.name())).isEqualTo(t);
    }
  }

  @Test
  void badAdaptersNameTheFileAndTheProblem() throws IOException {
    ModelSpec base = HfNamesTest.LLAMA;
    LoraSpec lora = new LoraSpec(2, 2.0, 0.0, List.of("q_proj"), List.of(), true);
    Path dir = tmp.resolve("a");
    PeftAdapter.save(
        dir, base, lora, TensorSource.of(adapterWeights(base, lora, 25)), "x", DType.F32);
    ModelSpec otherBase = HfNamesTest.QWEN2;
    assertThatThrownBy(() -> PeftAdapter.load(dir, otherBase))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("adapter_model.safetensors")
        .hasMessageContaining("unexpected model.layers.1");
    Path config = dir.resolve("adapter_config.json");
    Files.writeString(
        config, Files.readString(config).replace("\"use_dora\" : false", "\"use_dora\" : true"));
    assertThatThrownBy(() -> PeftAdapter.load(dir, base))
        .hasMessageContaining("adapter_config.json")
        .hasMessageContaining("use_dora is not supported");
    assertThatThrownBy(
            () ->
                PeftAdapter.save(
                    tmp.resolve("b"), base, lora, TensorSource.of(List.of()), "x", DType.F32))
        .hasMessageContaining("missing model.layers.0.self_attn.q_proj.lora_A.weight");
  }
}
