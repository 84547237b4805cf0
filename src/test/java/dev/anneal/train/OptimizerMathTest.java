package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.anneal.AppEnvironment;
import dev.anneal.engine.FusedAdamW;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** AdamW and clipping against the formulas, computed independently in double precision here. */
class OptimizerMathTest {
  @BeforeAll
  static void offline() {
    AppEnvironment.configure();
  }

  @ParameterizedTest(name = "fused kernel: {0}, moments made before the first step: {1}")
  @CsvSource({"true,false", "false,false", "true,true", "false,true"})
  void adamWMatchesTheReferenceUpdateOverSeveralSteps(boolean fused, boolean allocatedFirst) {
    if (fused)
      assumeTrue(FusedAdamW.available(), "PyTorch's fused AdamW is called on Linux x86-64 only");
    double b1 = 0.9, b2 = 0.95, eps = 1e-8, wd = 0.1;
    Random rnd = new Random(7);
    int n = 6;
    double[] p = new double[n], m = new double[n], v = new double[n];
    double[] q = new double[n]; // a parameter without decay (a bias)
    double[] mq = new double[n], vq = new double[n];
    for (int i = 0; i < n; i++) {
      p[i] = rnd.nextGaussian();
      q[i] = rnd.nextGaussian();
    }
    try (NDManager manager = NDManager.newBaseManager()) {
      Map<String, NDArray> params = new LinkedHashMap<>();
      params.put("w.weight", manager.create(toFloat(p), new Shape(2, 3)));
      params.put("w.bias", manager.create(toFloat(q), new Shape(n)));
      try (AdamW opt =
          new AdamW(b1, b2, eps, wd, Set.of("w.weight"), manager.newSubManager(), fused)) {
        if (allocatedFirst) {
          opt.allocateState(params);
          assertThat(opt.state()).hasSize(4);
          opt.state().forEach((k, a) -> assertThat(a.toFloatArray()).as(k).containsOnly(0f));
        }
        for (int t = 1; t <= 4; t++) {
          double lr = 1e-2 * t;
          double[] g = new double[n], gq = new double[n];
          for (int i = 0; i < n; i++) {
            g[i] = (float) rnd.nextGaussian();
            gq[i] = (float) rnd.nextGaussian();
          }
          try (NDManager step = manager.newSubManager()) {
            Map<String, NDArray> grads =
                Map.of(
                    "w.weight", step.create(toFloat(g), new Shape(2, 3)),
                    "w.bias", step.create(toFloat(gq), new Shape(n)));
            opt.step(params, grads, lr);
          }
          reference(p, m, v, g, t, lr, b1, b2, eps, wd);
          reference(q, mq, vq, gq, t, lr, b1, b2, eps, 0);
        }
        assertClose(params.get("w.weight").toFloatArray(), p);
        assertClose(params.get("w.bias").toFloatArray(), q);
        assertThat(opt.stepCount()).isEqualTo(4);
        assertThat(opt.state()).containsKeys("w.weight.exp_avg", "w.bias.exp_avg_sq");
      }
    }
  }

  private static void reference(
      double[] p,
      double[] m,
      double[] v,
      double[] g,
      int t,
      double lr,
      double b1,
      double b2,
      double eps,
      double wd) {
    for (int i = 0; i < p.length; i++) {
      p[i] *= 1 - lr * wd;
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      double mh = m[i] / (1 - Math.pow(b1, t));
      double vh = v[i] / (1 - Math.pow(b2, t));
      p[i] -= lr * mh / (Math.sqrt(vh) + eps);
    }
  }

  @Test
  void clippingScalesByMaxOverNormAndReportsTheNormBefore() {
    try (NDManager manager = NDManager.newBaseManager()) {
      List<NDArray> grads = new ArrayList<>();
      grads.add(manager.create(new float[] {3, -100}));
      grads.add(manager.create(new float[] {4}));
      double norm = Math.sqrt(9 + 10_000 + 16);
      assertThat(GradientClipping.clip(grads, 1.0)).isCloseTo(norm, within(1e-3));
      double scale = 1.0 / norm;
      assertThat(grads.get(0).toFloatArray()[1]).isCloseTo((float) (-100 * scale), within(1e-5f));
      assertThat(GradientClipping.globalNorm(grads)).isCloseTo(1.0, within(1e-5));
      // Below the limit nothing changes.
      assertThat(GradientClipping.clip(grads, 5.0)).isCloseTo(1.0, within(1e-5));
      assertThat(GradientClipping.globalNorm(grads)).isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void decayPolicySparesBiasesNormsAndEmbeddings() {
    var names =
        List.of(
            "transformer.wte.weight",
            "transformer.h.0.ln_1.weight",
            "transformer.h.0.attn.c_attn.weight",
            "transformer.h.0.attn.c_attn.bias",
            "model.layers.0.input_layernorm.weight",
            "model.norm.weight",
            "lm_head.weight",
            "model.embed_tokens.weight");
    assertThat(DecayPolicy.decayed(names, false))
        .containsExactlyInAnyOrder("transformer.h.0.attn.c_attn.weight", "lm_head.weight");
    assertThat(DecayPolicy.decayed(names, true)).contains("model.embed_tokens.weight");
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) f[i] = (float) d[i];
    return f;
  }

  private static void assertClose(float[] actual, double[] expected) {
    for (int i = 0; i < expected.length; i++) {
      assertThat((double) actual[i]).as("index " + i).isCloseTo(expected[i], within(2e-5));
    }
  }
}
