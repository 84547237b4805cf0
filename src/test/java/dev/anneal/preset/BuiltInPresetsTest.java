package dev.anneal.preset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.model.io.ModuleNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltInPresetsTest {
  private static final List<String> REQUIRED =
      List.of(
          "tiny",
          "medium",
          "large",
          "xlarge",
          "moe-60m",
          "moe-800m",
          "kat-dev-72b-lora",
          "kat-dev-72b-lora-resourcesaver",
          "mixtral-8x7b-attn-lora",
          "demiurgic-7b",
          "nano",
          "nano-moe");

  @Test
  void everyBuiltInPresetLoadsAndValidates() {
    List<PresetEntry> entries = new PresetRegistry(List.of()).list();
    assertThat(entries).extracting(PresetEntry::name).containsAll(REQUIRED);
    for (PresetEntry e : entries) {
      assertThat(e.error()).as(e.name()).isNull();
      assertThat(e.preset().name()).isEqualTo(e.name());
    }
  }

  @Test
  void seedPresetsNameTheirSeedFile() {
    var registry = new PresetRegistry(List.of());
    for (String name : REQUIRED) {
      Preset p = registry.resolve(name);
      if (name.startsWith("nano") && p.source() == null) continue;
      assertThat(p.source()).as(name).matches("00[0-4]_[0-9a-f]{16}\\.txt");
      assertThat(Path.of("..", "shared", "seeds", p.source()))
          .as(name + " names a seed that exists")
          .satisfiesAnyOf(
              f -> assertThat(f).exists(), f -> assertThat(f.getParent()).doesNotExist());
    }
  }

  @Test
  void seedSettingsCarryOver() {
    var registry = new PresetRegistry(List.of());
    Preset saver = registry.resolve("kat-dev-72b-lora-resourcesaver");
    assertThat(saver.lora().rank()).isEqualTo(64);
    assertThat(saver.lora().alpha()).isEqualTo(128.0);
    assertThat(saver.lora().targets())
        .containsExactly(
            "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");
    assertThat(saver.hardware().zeroStage()).isEqualTo(3);
    assertThat(saver.hardware().offloadOptimizer()).isTrue();
    assertThat(saver.training().microBatch()).isEqualTo(1);
    assertThat(saver.training().accumulation()).isEqualTo(16);
    assertThat(saver.hardware().maxLiveParameters()).isEqualTo(3e8);

    Preset mixtral = registry.resolve("mixtral-8x7b-attn-lora");
    assertThat(ModuleNames.adapted(mixtral.model(), mixtral.lora()))
        .extracting(ModuleNames.Projection::name)
        .containsExactly("q_proj", "k_proj", "v_proj", "o_proj");
    assertThat(mixtral.lora().freezeRouter()).isTrue();
    assertThat(mixtral.model().moe().auxLossWeight()).isEqualTo(0.001);

    Preset demiurgic = registry.resolve("demiurgic-7b");
    assertThat(demiurgic.data().fimRate()).isEqualTo(0.5);
    assertThat(demiurgic.training().warmupSteps()).isEqualTo(2000);
    assertThat(demiurgic.training().keepLast()).isEqualTo(5);

    Preset moe = registry.resolve("moe-60m");
    assertThat(moe.model().kvHeads()).isEqualTo(2);
    assertThat(moe.model().ropeScaling().betaFast()).isEqualTo(32.0);
    assertThat(moe.model().moe().sharedExperts()).isEqualTo(1);
  }

  @Test
  void aUserPresetIsFoundByNameOrPathAndShadowsNothingElse(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("mine.yaml");
    Files.writeString(
        file,
        """
        name: mine
        model: {family: gpt2, layers: 2, hidden: 64, heads: 4, vocab: 256, context: 64}
        """);
    var registry = new PresetRegistry(List.of(dir));
    assertThat(registry.resolve("mine").model().layers()).isEqualTo(2);
    assertThat(registry.resolve(file.toString()).model().hidden()).isEqualTo(64);
    assertThat(registry.list())
        .filteredOn(e -> !e.builtIn())
        .extracting(PresetEntry::name)
        .containsExactly("mine");
  }

  @Test
  void aBrokenUserPresetIsListedWithItsErrorNotFatal(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.yaml"), "name: bad\nmodel: {family: gpt2}\n");
    var entries = new PresetRegistry(List.of(dir)).list();
    PresetEntry bad =
        entries.stream().filter(e -> e.name().equals("bad")).findFirst().orElseThrow();
    assertThat(bad.isValid()).isFalse();
    assertThat(bad.error().field()).isEqualTo("model.layers");
  }

  @Test
  void resolvedYamlReadsBackToTheSamePreset() {
    var registry = new PresetRegistry(List.of());
    for (PresetEntry e : registry.list()) {
      Preset again = PresetLoader.parse(PresetLoader.toYaml(e.preset()), e.name());
      assertThat(again).as(e.name()).isEqualTo(e.preset());
    }
  }
}
