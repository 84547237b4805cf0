package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.RopeScaling;
import org.junit.jupiter.api.Test;

/**
 * A training phase that changes RoPE scaling (seed 004's YaRN extension) switches the model in
 * place: its logits must then be those of a model built with the new scaling from the start.
 */
class RopeSwitchTest extends ModelTestBase {
  private static final RopeScaling PHASE1 = new RopeScaling("yarn", 1.0, 16, null, null, null);
  private static final RopeScaling PHASE2 = new RopeScaling("yarn", 4.0, 16, null, null, null);

  private float[] logits(CausalLm lm) {
    long[] ids = new long[2 * 48];
    for (int i = 0; i < ids.length; i++) ids[i] = (i * 7 + 3) % TinyModels.VOCAB;
    NDArray x = m.create(ids, new Shape(2, 48));
    return lm.forward(x, null, false).logits().toFloatArray();
  }

  @Test
  void aModelSwitchedToThePhaseTwoScalingMatchesOneBuiltWithIt() {
    ModelSpec first = TinyModels.llama().withRopeScaling(PHASE1);
    ModelSpec second = TinyModels.llama().withRopeScaling(PHASE2);
    try (CausalLm switched = CausalLm.create(first, null, m, 5);
        CausalLm built = CausalLm.create(second, null, m, 5)) {
      float[] before = logits(switched);
      switched.useRopeScaling(PHASE2);
      assertThat(switched.spec()).isEqualTo(second);
      float[] after = logits(switched);
      assertThat(after).containsExactly(logits(built));
      // The scaling changed what the model computes, so the equality above is not vacuous.
      assertThat(after).isNotEqualTo(before);
      switched.useRopeScaling(PHASE1);
      assertThat(logits(switched)).containsExactly(before);
    }
  }

  @Test
  void aModelWithLearnedPositionsRefusesRopeScaling() {
    try (CausalLm gpt2 = CausalLm.create(TinyModels.gpt2(), null, m, 5)) {
      assertThatThrownBy(() -> gpt2.useRopeScaling(PHASE2))
          .hasMessageContaining("learned positions");
    }
  }
}
