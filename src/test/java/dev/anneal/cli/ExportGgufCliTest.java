package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.infer.InferFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportGgufCliTest {
  @TempDir Path tmp;

  @Test
  void writesTheFileAndModelfileAndPrintsJson() throws Exception {
    Path tok = InferFixtures.tokenizer(tmp);
    Path base = InferFixtures.hfModel(tmp.resolve("base"), tok, 3);
    Path adapter = InferFixtures.adapter(tmp.resolve("adapter"), 4);
    Path out = tmp.resolve("gguf/model.gguf");
    CliTest.Result r =
        CliTest.run(
            "export",
            "gguf",
            base.toString(),
            "--adapter",
            adapter.toString(),
            "--out",
            out.toString(),
            "--type",
            "q8_0",
            "--ollama",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("architecture").asText()).isEqualTo("llama");
    assertThat(j.get("type").asText()).isEqualTo("q8_0");
    assertThat(j.get("bytes").asLong()).isEqualTo(Files.size(out));
    assertThat(Files.readString(out.resolveSibling("Modelfile")))
        .startsWith("# Written by Anneal")
        .contains("FROM ./model.gguf");
    assertThat(Files.readAllBytes(out)).startsWith('G', 'G', 'U', 'F');
  }

  @Test
  void anUnknownTypeIsOneLine() throws Exception {
    Path tok = InferFixtures.tokenizer(tmp);
    Path base = InferFixtures.hfModel(tmp.resolve("base"), tok, 3);
    CliTest.Result r =
        CliTest.run(
            "export",
            "gguf",
            base.toString(),
            "--out",
            tmp.resolve("m.gguf").toString(),
            "--type",
            "q4_0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().findFirst().orElseThrow())
        .isEqualTo("anneal: GGUF type 'q4_0' is not supported: choose f32, f16, bf16 or q8_0");
    assertThat(tmp.resolve("m.gguf")).doesNotExist();
  }
}
