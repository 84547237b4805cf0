package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.preset.LoraSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which modules a family has, and which a LoRA target matches, as module paths. */
class ModuleNamesTest {
  private static LoraSpec lora(List<String> targets, List<String> exclude) {
    return new LoraSpec(4, 8.0, 0.0, targets, exclude, true);
  }

  @Test
  void gpt2sCProjNamesTheAttentionAndTheMlpOutput() {
    assertThat(ModuleNames.adaptedPaths(HfNamesTest.GPT2, lora(List.of("c_proj"), List.of()), 1))
        .containsExactly("transformer.h.1.attn.c_proj", "transformer.h.1.mlp.c_proj");
    assertThat(
            ModuleNames.adaptedPaths(HfNamesTest.GPT2, lora(List.of("c_proj"), List.of("mlp")), 1))
        .containsExactly("transformer.h.1.attn.c_proj");
  }

  @Test
  void excludingExpertsKeepsTheRouterAndTheAttention() {
    // Mixtral in miniature: 2 routed experts, no shared ones
    LoraSpec l = lora(List.of("q_proj", "w1", "gate"), List.of("experts"));
    assertThat(ModuleNames.adaptedPaths(HfNamesTest.MIXTRAL, l, 0))
        .containsExactly("model.layers.0.self_attn.q_proj", "model.layers.0.block_sparse_moe.gate");
    assertThat(ModuleNames.adaptedPaths(HfNamesTest.MIXTRAL, lora(List.of("w1"), List.of()), 0))
        .allMatch(p -> p.matches("model\\.layers\\.0\\.block_sparse_moe\\.experts\\.\\d+\\.w1"))
        .hasSize(HfNamesTest.MIXTRAL.moe().experts());
  }

  @Test
  void everyProjectionHasTheTensorsItsModulePathsName() {
    for (var spec :
        List.of(HfNamesTest.GPT2, HfNamesTest.LLAMA, HfNamesTest.MIXTRAL, HfNamesTest.ANNEAL_MOE)) {
      var tensors = HfNames.expected(spec).keySet();
      for (var ps : ModuleNames.of(spec).values()) {
        for (var p : ps) {
          assertThat(ModuleNames.modulePaths(spec, 0, p))
              .hasSize((int) p.copies())
              .allMatch(
                  path -> tensors.contains(path + ".weight"), spec.hfModelType() + " " + p.name());
        }
      }
    }
  }
}
