package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchModelCommandTest {
  @Test
  void benchesATinyMoePresetWithItsAdaptersAndPrintsFigures(@TempDir Path dir) throws Exception {
    Path preset = dir.resolve("tiny-moe.yaml");
    Files.writeString(
        preset,
        """
        name: tiny-moe
        model:
          family: llama
          layers: 1
          hidden: 16
          heads: 2
          kv_heads: 1
          intermediate: 32
          vocab: 40
          context: 16
          moe:
            experts: 2
            experts_per_token: 1
        lora:
          rank: 2
          targets: [q_proj, v_proj]
        training:
          steps: 1
          micro_batch: 2
          seq_len: 8
        """);
    CliTest.Result r =
        CliTest.run(
            "bench",
            "model",
            preset.toString(),
            "--steps",
            "1",
            "--warmup",
            "0",
            "--lora",
            "--json");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("model_type").asText()).isEqualTo("mixtral");
    assertThat(j.get("seq_len").asInt()).isEqualTo(8);
    assertThat(j.get("train_tokens_per_s").asLong()).isPositive();
    assertThat(j.get("decode_tokens_per_s").asLong()).isPositive();
  }

  @Test
  void aSequenceLongerThanTheContextIsOneLine() {
    CliTest.Result r = CliTest.run("bench", "model", "nano", "--seq", "4096");
    assertThat(r.code()).isNotZero();
    assertThat(r.err()).startsWith("anneal: --seq 4096 exceeds the context 256");
  }
}
