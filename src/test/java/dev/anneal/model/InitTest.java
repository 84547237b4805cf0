package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import org.junit.jupiter.api.Test;

/** Initialisation: GPT-2/Llama scales, residual projections shrunk, same seed same weights. */
class InitTest extends ModelTestBase {
  @Test
  void weightsAreNormalWithInitStdAndResidualProjectionsScaled() {
    ModelSpec wide =
        ModelSpec.builder(Family.LLAMA)
            .size(8, 256, 4, 100, 32)
            .intermediate(512)
            .initStd(0.02)
            .build();
    try (CausalLm lm = CausalLm.create(wide, null, m, 1)) {
      var p = lm.baseParameters();
      assertThat(std(p.get("model.layers.3.self_attn.q_proj.weight")))
          .isCloseTo(0.02, within(5e-4));
      assertThat(std(p.get("model.layers.3.mlp.up_proj.weight"))).isCloseTo(0.02, within(5e-4));
      double residual = 0.02 / Math.sqrt(2 * 8);
      assertThat(std(p.get("model.layers.3.self_attn.o_proj.weight")))
          .isCloseTo(residual, within(2e-4));
      assertThat(std(p.get("model.layers.3.mlp.down_proj.weight")))
          .isCloseTo(residual, within(2e-4));
      assertThat(p.get("model.norm.weight").toFloatArray()).containsOnly(1f);
    }
  }

  @Test
  void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
    try (CausalLm a = CausalLm.create(TinyModels.gpt2(), null, m, 7);
        CausalLm b = CausalLm.create(TinyModels.gpt2(), null, m, 7);
        CausalLm c = CausalLm.create(TinyModels.gpt2(), null, m, 8)) {
      assertThat(b.exportWeights()).isEqualTo(a.exportWeights());
      assertThat(c.exportWeights()).isNotEqualTo(a.exportWeights());
      assertThat(a.baseParameters().get("transformer.h.0.attn.c_attn.bias").toFloatArray())
          .containsOnly(0f);
    }
  }

  private static double std(NDArray a) {
    float[] f = a.toFloatArray();
    double sum = 0, sq = 0;
    for (float v : f) {
      sum += v;
      sq += v * v;
    }
    double mean = sum / f.length;
    return Math.sqrt(sq / f.length - mean * mean);
  }
}
