package dev.anneal.preset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Schedule, precision and balancing read and write the spelling preset files use. */
class PresetVocabularyTest {
  private static final String YAML =
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
        moe: {experts: 4, experts_per_token: 2, balancing: aux_loss, aux_loss_weight: 0.01}
      training:
        steps: 10
        schedule: linear
        precision: amp
      """;

  @Test
  void presetFilesSpellTheValuesAsBefore() throws Exception {
    Preset p = PresetLoader.parse(YAML, "t.yaml");
    assertThat(p.training().schedule()).isEqualTo(Schedule.LINEAR);
    assertThat(p.training().precision()).isEqualTo(Precision.AMP);
    assertThat(p.model().moe().balancing()).isEqualTo(Balancing.AUX_LOSS);
    String yaml = PresetLoader.toYaml(p);
    assertThat(yaml).contains("schedule: linear", "precision: amp", "balancing: aux_loss");
    assertThat(PresetLoader.parse(yaml, "again.yaml")).isEqualTo(p);
    // run.json keeps the preset as JSON: the same spelling, read back to the same preset
    String json = PresetLoader.jsonMapper().writeValueAsString(p);
    assertThat(json)
        .contains("\"schedule\":\"linear\"", "\"precision\":\"amp\"", "\"balancing\":\"aux_loss\"");
    assertThat(PresetLoader.jsonMapper().readValue(json, Preset.class)).isEqualTo(p);
  }

  @Test
  void defaultsAreCosineFp32AndAuxFree() {
    Preset p =
        PresetLoader.parse(
            YAML.replace("  schedule: linear\n  precision: amp\n", "")
                .replace(", balancing: aux_loss, aux_loss_weight: 0.01", ""),
            "t.yaml");
    assertThat(p.training().schedule()).isEqualTo(Schedule.COSINE);
    assertThat(p.training().precision()).isEqualTo(Precision.FP32);
    assertThat(p.model().moe().balancing()).isEqualTo(Balancing.AUX_FREE);
  }

  @Test
  void aTypedPrecisionIsParsedOrRefusedInOneLine() {
    assertThat(Precision.parse("--precision", "bf16")).isEqualTo(Precision.BF16);
    assertThatThrownBy(() -> Precision.parse("--precision", "BF16"))
        .hasMessage("--precision: 'BF16' is not one of fp32, bf16, fp16, amp");
  }

  @Test
  void theBuilderFillsTheSameDefaultsAsAPresetFile() {
    ModelSpec fromFile = PresetLoader.parse(YAML, "t.yaml").model();
    ModelSpec built =
        ModelSpec.builder(Family.LLAMA)
            .size(2, 64, 4, 256, 64)
            .kvHeads(2)
            .intermediate(128)
            .moe(MoeSpec.routed(4, 2).withBalancing(Balancing.AUX_LOSS, 0.01))
            .build();
    assertThat(built).isEqualTo(fromFile);
    assertThat(built.toBuilder().layers(3).build())
        .isEqualTo(
            new ModelSpec(
                Family.LLAMA,
                3,
                64,
                4,
                2,
                16,
                128,
                256,
                64,
                Position.ROPE,
                Norm.RMSNORM,
                1e-6,
                Activation.SWIGLU,
                false,
                false,
                false,
                false,
                false,
                10_000.0,
                null,
                built.moe(),
                0.0,
                0.02));
  }
}
