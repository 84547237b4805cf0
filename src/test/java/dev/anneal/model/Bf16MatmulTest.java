package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import ai.djl.ndarray.NDArray;
import dev.anneal.engine.LibtorchCast;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * bf16 matrix products against the same model in float32: logits and every gradient agree to bf16's
 * precision (unit roundoff 2⁻⁸, here a relative error of a few 1e-3), the loss falls the same way,
 * and nothing differs exactly (the products really ran in bf16).
 */
class Bf16MatmulTest extends ModelTestBase {

  @BeforeEach
  void needsCast() {
    assumeThat(LibtorchCast.available()).as("bf16 casts need Linux x86-64").isTrue();
  }

  static List<Object[]> cases() {
    List<Object[]> all = new java.util.ArrayList<>();
    for (ModelSpec s : TinyModels.all()) all.add(new Object[] {s, null});
    all.add(
        new Object[] {
          TinyModels.llama(), TinyModels.lora(List.of("q_proj", "v_proj", "o_proj"), List.of())
        });
    all.add(
        new Object[] {TinyModels.gpt2(), TinyModels.lora(List.of("c_attn", "c_fc"), List.of())});
    return all;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void logitsAndGradientsMatchFloat32(ModelSpec spec, LoraSpec lora) {
    try (CausalLm lm = CausalLm.create(spec, lora, m, 11)) {
      if (lora != null) LoraTestSupport.randomiseB(lm, 3);
      NDArray ids = TinyModels.ids(m, 5, 2, 24);
      // Two documents in row 0 exercise the float32 mask meeting bf16 scores.
      long[] docs = new long[48];
      for (int i = 10; i < 24; i++) docs[i] = 1;
      NDArray docIds = m.create(docs, ids.getShape());
      NDArray targets = TinyModels.ids(m, 6, 2, 24);

      Map<String, float[]> g32 = new LinkedHashMap<>();
      float[] logits32 = TinyModels.logitsAndGradients(m, lm, ids, docIds, targets, g32);
      lm.useBf16Matmuls(true);
      Map<String, float[]> g16 = new LinkedHashMap<>();
      float[] logits16 = TinyModels.logitsAndGradients(m, lm, ids, docIds, targets, g16);
      lm.useBf16Matmuls(false);

      assertThat(relError(logits16, logits32)).as("logits").isLessThan(1.5e-2).isGreaterThan(0);
      assertThat(g16.keySet()).isEqualTo(g32.keySet());
      for (String name : g32.keySet()) {
        // Most gradients agree to about 1%; LoRA A's come through B (std 0.1) and are small, which
        // makes their relative error larger (up to ~5% seen); a wrong kernel is off by ~100%.
        assertThat(relError(g16.get(name), g32.get(name)))
            .as("gradient of %s", name)
            .isLessThan(8e-2);
      }
    }
  }

  /** ‖a − b‖ / ‖b‖. */
  private static double relError(float[] a, float[] b) {
    double num = 0, den = 0;
    for (int i = 0; i < b.length; i++) {
      num += (a[i] - b[i]) * (double) (a[i] - b[i]);
      den += b[i] * (double) b[i];
    }
    return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
  }
}
