package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.ndarray.NDArray;
import dev.anneal.engine.FusedAttention;
import dev.anneal.preset.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * libtorch's fused attention against attention composed from matmuls, for every family (GPT-2,
 * grouped-query Llama and Qwen2, both MoE kinds): the same logits and gradients in float32 to
 * rounding, with two documents packed in a row and with one document per row.
 */
class FusedAttentionTest extends ModelTestBase {

  @BeforeEach
  void needsKernel() {
    assumeThat(FusedAttention.available()).as("fused attention is called on Linux x86-64").isTrue();
  }

  static java.util.List<ModelSpec> specs() {
    return TinyModels.all();
  }

  @ParameterizedTest
  @MethodSource("specs")
  void fusedEqualsComposedInFloat32(ModelSpec spec) {
    for (boolean packed : new boolean[] {true, false}) {
      try (CausalLm lm = CausalLm.create(spec, null, m, 13)) {
        NDArray ids = TinyModels.ids(m, 5, 2, 24);
        NDArray docIds = null;
        if (packed) {
          long[] docs = new long[48];
          for (int i = 9; i < 24; i++) docs[i] = 1;
          docIds = m.create(docs, ids.getShape());
        }
        NDArray targets = TinyModels.ids(m, 6, 2, 24);
        Map<String, float[]> gFused = new LinkedHashMap<>();
        Map<String, float[]> gComposed = new LinkedHashMap<>();
        lm.useFusedAttention(true);
        float[] fused = TinyModels.logitsAndGradients(m, lm, ids, docIds, targets, gFused);
        lm.useFusedAttention(false);
        float[] composed = TinyModels.logitsAndGradients(m, lm, ids, docIds, targets, gComposed);
        assertThat(TinyModels.maxDiff(fused, composed))
            .as("logits, packed %s", packed)
            .isLessThan(2e-5);
        for (String name : gComposed.keySet()) {
          assertThat(TinyModels.maxDiff(gFused.get(name), gComposed.get(name)))
              .as("gradient of %s, packed %s", name, packed)
              .isLessThan(2e-5);
        }
      }
    }
  }
}
