package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.HfFolder;
import dev.anneal.model.io.HfNames;
import dev.anneal.model.io.HostTensor;
import dev.anneal.model.io.PeftAdapter;
import dev.anneal.model.io.TensorSource;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.PresetLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SequencedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInfoCommandTest {
  @TempDir Path tmp;

  private static final ModelSpec MOE =
      PresetLoader.parse(
              """
      name: t
      model: {family: llama, layers: 2, hidden: 8, heads: 2, kv_heads: 1, intermediate: 12, vocab: 11,
              context: 16, moe: {experts: 3, experts_per_token: 2, shared_experts: 1}}
      """,
              "test")
          .model();

  static TensorSource ones(SequencedMap<String, long[]> names) {
    List<HostTensor> out = new ArrayList<>();
    for (Map.Entry<String, long[]> e : names.entrySet()) {
      long n = 1;
      for (long d : e.getValue()) n *= d;
      float[] data = new float[(int) n];
      java.util.Arrays.fill(data, 0.5f);
      out.add(new HostTensor(e.getKey(), e.getValue(), data));
    }
    return TensorSource.of(out);
  }

  @Test
  void modelInfoShowsSizesAndBothParameterCounts() throws Exception {
    Path dir = tmp.resolve("base");
    HfFolder.save(dir, MOE, ones(HfNames.expected(MOE)), null, DType.BF16);
    CliTest.Result text = CliTest.run("model", "info", dir.toString());
    assertThat(text.code()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("model type", "anneal_moe", "kv heads", "params match", "yes", "bfloat16");
    JsonNode j =
        new ObjectMapper().readTree(CliTest.run("model", "info", dir.toString(), "--json").out());
    assertThat(j.get("model_type").asText()).isEqualTo("anneal_moe");
    assertThat(j.get("layers").asInt()).isEqualTo(2);
    assertThat(j.get("kv_heads").asInt()).isEqualTo(1);
    assertThat(j.get("moe").get("experts").asInt()).isEqualTo(3);
    assertThat(j.get("params_match").asBoolean()).isTrue();
    assertThat(j.get("params_in_files").asLong()).isEqualTo(j.get("params_from_spec").asLong());
    assertThat(j.get("buffer_elements").asLong()).isEqualTo(6);
    assertThat(j.get("shards").asInt()).isEqualTo(1);
    assertThat(j.get("tensor_dtypes").asText()).isEqualTo("BF16");
    assertThat(j.get("bytes").asLong()).isEqualTo(Files.size(dir.resolve("model.safetensors")));
  }

  @Test
  void adapterInfoChecksAgainstALocalBase() throws Exception {
    Path base = tmp.resolve("base");
    HfFolder.save(base, MOE, ones(HfNames.expected(MOE)), null, DType.F32);
    LoraSpec lora = new LoraSpec(2, 4.0, 0.0, List.of("q_proj", "v_proj"), List.of(), true);
    Path dir = tmp.resolve("adapter");
    PeftAdapter.save(
        dir, MOE, lora, ones(PeftAdapter.expected(MOE, lora)), base.toString(), DType.F32);
    JsonNode j =
        new ObjectMapper().readTree(CliTest.run("model", "info", dir.toString(), "--json").out());
    assertThat(j.get("kind").asText()).isEqualTo("adapter");
    assertThat(j.get("rank").asInt()).isEqualTo(2);
    assertThat(j.get("target_modules").asText()).isEqualTo("q_proj,v_proj");
    assertThat(j.get("params_in_files").asLong()).isEqualTo(2 * 2 * ((8 + 8) + (8 + 4)));
    assertThat(j.get("params_match").asBoolean()).isTrue();
  }

  @Test
  void aFolderThatIsNeitherIsOneLine() {
    CliTest.Result r = CliTest.run("model", "info", tmp.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("anneal: " + tmp).contains("neither a model folder");
  }
}
