package dev.anneal.preset.estimate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.PresetRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Golden parameter counts: the seeds' figures and published exact counts of real models. */
class ParameterCountTest {
  private static final PresetRegistry REGISTRY = new PresetRegistry(List.of());

  private static ParameterCount count(String preset) {
    Preset p = REGISTRY.resolve(preset);
    return ParameterCount.of(p.model(), p.lora());
  }

  /** Seed 002's table, to its own rounding: "137M" means 136.5M to 137.5M. */
  @ParameterizedTest
  @CsvSource({"tiny, 137", "medium, 371", "large, 1092", "xlarge, 1509"})
  void gptPresetsReproduceSeed002(String preset, long millions) {
    assertThat(count(preset).total())
        .isBetween(millions * 1_000_000 - 500_000, millions * 1_000_000 + 499_999);
  }

  @Test
  void standardGpt2SmallMatchesHuggingFace() {
    // HF "gpt2": 124,439,808 parameters (tied head, 1,024 positions, biases everywhere).
    ModelSpec gpt2 =
        PresetLoader.parse(
                """
        name: gpt2
        model: {family: gpt2, layers: 12, hidden: 768, heads: 12, vocab: 50257, context: 1024}
        """,
                "gpt2")
            .model();
    assertThat(ParameterCount.of(gpt2, null).total()).isEqualTo(124_439_808L);
  }

  @Test
  void realModelsMatchTheirPublishedCounts() {
    // Qwen2.5-72B (KAT-Dev-72B-Exp's architecture): 72,706,203,648 parameters.
    ParameterCount kat = count("kat-dev-72b-lora");
    assertThat(kat.total() - kat.lora()).isEqualTo(72_706_203_648L);
    // Mixtral-8x7B-v0.1: 46,702,792,704 parameters, 12.9B active per token.
    ParameterCount mixtral = count("mixtral-8x7b-attn-lora");
    assertThat(mixtral.total() - mixtral.lora()).isEqualTo(46_702_792_704L);
    assertThat(mixtral.active() - mixtral.lora()).isBetween(12_800_000_000L, 13_000_000_000L);
    // Llama-2-7B, whose shape demiurgic-7b borrows: 6,738,415,616 parameters.
    assertThat(count("demiurgic-7b").total()).isEqualTo(6_738_415_616L);
  }

  @Test
  void seed004SizesMatchTheirNames() {
    assertThat(count("moe-60m").total()).isBetween(55_000_000L, 62_000_000L);
    assertThat(count("moe-800m").total()).isBetween(780_000_000L, 830_000_000L);
  }

  @Test
  void loraCountsRankTimesInPlusOutPerAdaptedMatrix() {
    // Seed 000: r=64 on all 7 projections of Qwen2.5-72B, 80 layers.
    long c = 8192, kv = 1024, i = 29568, r = 64;
    long perLayer = r * ((c + c) + 2 * (c + kv) + (c + c) + 2 * (c + i) + (i + c));
    ParameterCount kat = count("kat-dev-72b-lora");
    assertThat(kat.lora()).isEqualTo(80 * perLayer);
    assertThat(kat.trainable()).isEqualTo(kat.lora());

    // Seed 001: r=16 on q/k/v/o only, experts and router frozen.
    long mc = 4096, mkv = 1024;
    ParameterCount mixtral = count("mixtral-8x7b-attn-lora");
    assertThat(mixtral.trainable()).isEqualTo(32 * 16 * ((mc + mc) + 2 * (mc + mkv) + (mc + mc)));
  }

  @Test
  void anUnfrozenRouterTrainsBesideTheAdapters() {
    Preset p = REGISTRY.resolve("mixtral-8x7b-attn-lora");
    LoraSpec l = p.lora();
    LoraSpec open = new LoraSpec(l.rank(), l.alpha(), l.dropout(), l.targets(), l.exclude(), false);
    long router = 32L * 4096 * 8;
    assertThat(ParameterCount.of(p.model(), open).trainable())
        .isEqualTo(ParameterCount.of(p.model(), l).trainable() + router);
  }

  @Test
  void activeParametersSkipTheUnchosenExperts() {
    ParameterCount nano = count("nano-moe");
    Preset p = REGISTRY.resolve("nano-moe");
    long expert = 3L * 256 * 256; // SwiGLU of width 256, no biases
    long unchosen = p.model().moe().experts() - p.model().moe().expertsPerToken();
    assertThat(nano.total() - nano.active()).isEqualTo(p.model().layers() * unchosen * expert);
  }
}
