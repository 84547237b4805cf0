package dev.anneal.preset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A broken preset fails with one line naming the file, the line and the field. */
class PresetErrorsTest {
  private static final String GOOD =
      """
      name: t
      model:
        family: llama
        layers: 2
        hidden: 64
        heads: 4
        kv_heads: 2
        intermediate: 128
        vocab: 256
        context: 64
      lora:
        rank: 4
        targets: [q_proj, v_proj]
      training:
        steps: 10
      """;

  private static PresetException failure(String yaml) {
    return catchThrowableOfType(PresetException.class, () -> PresetLoader.parse(yaml, "t.yaml"));
  }

  @Test
  void theGoodOneLoads() {
    assertThat(PresetLoader.parse(GOOD, "t.yaml").model().kvHeads()).isEqualTo(2);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // what is broken           | replace                 | with                      | line |
        // field                  | message contains
        "unknown key               | '  vocab: 256'           | '  vocabulary: 256'       | 9  | model.vocabulary       | unknown key 'vocabulary'",
        "wrong type                | '  layers: 2'            | '  layers: two'           | 4  | model.layers           | expected a whole number",
        "fraction for an integer   | '  layers: 2'            | '  layers: 2.5'           | 4  | model.layers           | expected a whole number",
        "bad enum                  | 'family: llama'          | 'family: gpt3'            | 3  | model.family           | 'gpt3' is not one of gpt2, llama",
        "out of range              | '  steps: 10'            | '  steps: -3'             | 15 | training.steps         | must be > 0",
        "heads do not divide       | '  heads: 4'             | '  heads: 5'              | 6  | model.heads            | 5 heads do not divide hidden 64",
        "kv heads do not divide    | '  kv_heads: 2'          | '  kv_heads: 3'           | 7  | model.kv_heads         | 3 KV heads do not divide 4 heads",
        "lora target not in family | '[q_proj, v_proj]'       | '[q_proj, c_attn]'        | 13 | lora.targets[1]        | 'c_attn' is not a projection",
        "rank zero                 | '  rank: 4'              | '  rank: 0'               | 12 | lora.rank              | must be > 0",
        "seq_len beyond context    | '  steps: 10'            | '  steps: 10\n  seq_len: 128' | 16 | training.seq_len   | exceeds the model's context 64",
        "unknown schedule          | '  steps: 10'            | '  steps: 10\n  schedule: cosin' | 16 | training.schedule | 'cosin' is not one of cosine, linear, constant",
        "unknown precision         | '  steps: 10'            | '  steps: 10\n  precision: fp8' | 16 | training.precision | 'fp8' is not one of fp32, bf16, fp16, amp",
        "unknown balancing         | '  context: 64'          | '  context: 64\n  moe: {experts: 4, experts_per_token: 2, balancing: aux}' | 11 | model.moe.balancing | 'aux' is not one of aux_free, aux_loss, none",
      })
  void namesFileLineAndField(
      String what, String replace, String with, int line, String field, String message) {
    String yaml = GOOD.replace(replace, with.replace("\\n", "\n"));
    assertThat(yaml).as("test setup for " + what).isNotEqualTo(GOOD);
    PresetException e = failure(yaml);
    assertThat(e).as(what).isNotNull();
    assertThat(e.line()).as(what + ": " + e.getMessage()).isEqualTo(line);
    assertThat(e.field()).as(what + ": " + e.getMessage()).isEqualTo(field);
    assertThat(e.getMessage())
        .startsWith("t.yaml:" + line + ": " + field + ": ")
        .contains(message)
        .doesNotContain("\n");
  }

  @Test
  void expertsPerTokenMayNotExceedExperts() {
    String yaml =
        GOOD.replace(
            "  context: 64\n",
            """
          context: 64
          moe:
            experts: 4
            experts_per_token: 6
        """);
    PresetException e = failure(yaml);
    assertThat(e.field()).isEqualTo("model.moe.experts_per_token");
    assertThat(e.line()).isEqualTo(13);
    assertThat(e.problem()).contains("6 experts per token exceeds 4 experts");
  }

  @Test
  void excludingEveryTargetLeavesNothingToTrain() {
    PresetException e =
        failure(
            GOOD.replace(
                "  targets: [q_proj, v_proj]",
                "  targets: [q_proj, v_proj]\n  exclude: [self_attn]"));
    assertThat(e.field()).isEqualTo("lora.exclude");
    assertThat(e.problem()).contains("nothing would train");
  }

  @Test
  void zeroOffloadAndDeviceRulesHold() {
    PresetException e =
        failure(GOOD + "hardware:\n  device: cuda\n  count: 2\n  offload_params: true\n");
    assertThat(e.field()).isEqualTo("hardware.offload_params");
    assertThat(e.line()).isEqualTo(19);
    e = failure(GOOD + "hardware:\n  device: cpu\n  zero_stage: 2\n");
    assertThat(e.field()).isEqualTo("hardware.zero_stage");
  }

  @Test
  void aMissingRequiredFieldPointsAtItsSection() {
    PresetException e = failure(GOOD.replace("  vocab: 256\n", ""));
    assertThat(e.field()).isEqualTo("model.vocab");
    assertThat(e.line()).isEqualTo(2); // the model: line
  }

  @Test
  void invalidYamlIsReportedWithItsLine() {
    PresetException e = failure("name: t\nmodel: [unclosed\n");
    assertThat(e.line()).isGreaterThan(0);
    assertThat(e.getMessage()).startsWith("t.yaml:");
  }

  @Test
  void loadingAFileNamesItsPath(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("broken.yaml");
    Files.writeString(f, GOOD.replace("  heads: 4", "  heads: 5"));
    PresetException e = catchThrowableOfType(PresetException.class, () -> PresetLoader.load(f));
    assertThat(e.getMessage()).startsWith(f + ":6: model.heads: ");
  }
}
