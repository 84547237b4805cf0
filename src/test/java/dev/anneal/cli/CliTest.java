package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Cli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheSubcommands() {
    Result r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("presets", "estimate");
  }

  @Test
  void presetsListShowsEveryBuiltIn() throws Exception {
    Result r = run("presets", "list");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("tiny", "kat-dev-72b-lora-resourcesaver", "nano-moe", "136.9M");
    JsonNode json = new ObjectMapper().readTree(run("presets", "list", "--json").out());
    assertThat(json.isArray()).isTrue();
    assertThat(json.findValuesAsText("name")).contains("mixtral-8x7b-attn-lora", "demiurgic-7b");
  }

  @Test
  void presetsShowPrintsTheFileAsWritten() {
    Result r = run("presets", "show", "nano");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("# A few million parameters").contains("name: nano");
    assertThat(run("presets", "show", "nano", "--resolved").out()).contains("norm_eps:");
  }

  @Test
  void estimateJsonHasTheRequiredFields() throws Exception {
    Result r = run("estimate", "kat-dev-72b-lora", "--json");
    assertThat(r.code()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    for (String f :
        new String[] {
          "total_params",
          "trainable_params",
          "active_params",
          "host_memory_gb",
          "fits",
          "suggestions"
        }) {
      assertThat(j.has(f)).as(f).isTrue();
    }
    for (String f : new String[] {"weights", "gradients", "optimizer", "activations", "total"}) {
      assertThat(j.get("memory_per_device_gb").has(f)).as(f).isTrue();
    }
    assertThat(j.get("fits").asBoolean()).isFalse();
    assertThat(j.get("suggestions").size()).isPositive();
  }

  @Test
  void estimateOptionsChangeTheHardware() throws Exception {
    ObjectMapper m = new ObjectMapper();
    JsonNode zero2 = m.readTree(run("estimate", "kat-dev-72b-lora", "--json").out());
    JsonNode zero3 =
        m.readTree(run("estimate", "kat-dev-72b-lora", "--zero", "3", "--offload", "--json").out());
    assertThat(zero3.get("memory_per_device_gb").get("weights").asDouble())
        .isLessThan(zero2.get("memory_per_device_gb").get("weights").asDouble() / 3);
    assertThat(zero3.get("memory_per_device_gb").get("optimizer").asDouble()).isZero();
    assertThat(zero3.get("host_memory_gb").asDouble()).isPositive();
    JsonNode eight =
        m.readTree(
            run(
                    "estimate",
                    "kat-dev-72b-lora",
                    "--zero",
                    "3",
                    "--gpus",
                    "8",
                    "--gpu-mem",
                    "80",
                    "--json")
                .out());
    assertThat(eight.get("device_memory_gb").asDouble()).isEqualTo(80.0);
  }

  @Test
  void estimateTextShowsTheBreakdown() {
    Result r = run("estimate", "tiny");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("parameters", "136.9M", "weights", "optimizer", "activations", "fits");
  }

  @Test
  void aBrokenPresetFileGivesOneLineWithFileLineAndField(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("broken.yaml");
    Files.writeString(
        f,
        "name: broken\nmodel:\n  family: gpt2\n  layers: 2\n  hidden: 64\n"
            + "  heads: 5\n  vocab: 256\n  context: 64\n");
    Result r = run("estimate", f.toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().findFirst().orElseThrow())
        .isEqualTo("anneal: " + f + ":6: model.heads: 5 heads do not divide hidden 64");
    assertThat(r.err()).doesNotContain("Exception");
    assertThat(run("--verbose", "estimate", f.toString()).err()).contains("PresetException");
  }

  @Test
  void anUnknownPresetNameSaysWhichExist() {
    Result r = run("estimate", "no-such-preset");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("no-such-preset", "known:", "nano");
  }
}
