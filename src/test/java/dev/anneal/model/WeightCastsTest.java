package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.anneal.engine.LibtorchCast;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A step's bf16 weight copies ({@link WeightCasts}) against casting every weight in every pass:
 * over two micro batches, plain and checkpointed, with and without LoRA, the losses and the float32
 * gradients agree, and after the weights change the next step's copies follow them. The composed
 * head (full logits) multiplies by the tied embedding's copy while the embedding lookup reads the
 * weight itself: its gradient gets both, which a flush that wrote over it would lose.
 */
class WeightCastsTest extends ModelTestBase {
  private static final int MICRO = 2;

  private enum Pass {
    CHUNKED_HEAD,
    CHECKPOINTED,
    COMPOSED_HEAD
  }

  @Test
  void gradientsEqualThoseOfCastingInEveryPass() {
    assumeTrue(LibtorchCast.available(), "bf16 casts need Linux x86-64");
    LoraSpec lora = new LoraSpec(4, 8.0, 0.0, List.of("q_proj", "down_proj"), List.of(), true);
    for (Pass pass : Pass.values()) {
      compare(TinyModels.gpt2(), null, pass);
      compare(TinyModels.llama(), null, pass);
      compare(TinyModels.llama(), lora, pass); // q_proj and down_proj are Llama's names
    }
  }

  private void compare(ModelSpec spec, LoraSpec lora, Pass pass) {
    try (CausalLm lm = CausalLm.create(spec, lora, m, 7)) {
      if (lora != null) LoraTestSupport.randomiseB(lm, 4);
      lm.useBf16Matmuls(true);
      Map<String, NDArray> params = lm.trainableParameters();
      for (int step = 0; step < 2; step++) {
        double plainLoss = step(lm, false, pass);
        Map<String, float[]> expected = take(params);
        double castLoss = step(lm, true, pass);
        Map<String, float[]> actual = take(params);
        String what = spec.family() + (lora != null ? " LoRA " : " ") + pass;
        assertThat(castLoss).as(what).isCloseTo(plainLoss, within(1e-6));
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        double largest = 0;
        for (String name : expected.keySet()) {
          float[] e = expected.get(name), a = actual.get(name);
          for (int i = 0; i < e.length; i++) {
            assertThat(a[i])
                .as("%s step %d %s[%d]", what, step, name, i)
                .isCloseTo(e[i], within(1e-6f));
            largest = Math.max(largest, Math.abs(e[i]));
          }
        }
        assertThat(largest).as("%s: gradients to compare", what).isGreaterThan(1e-4);
        // As the optimizer would: the next step's copies must be made from the new weights.
        for (NDArray p : lm.baseParameters().values()) p.muli(1.01f);
      }
    }
  }

  /** Two micro batches' backward, gradients summed on the weights; returns the summed loss. */
  private double step(CausalLm lm, boolean casts, Pass pass) {
    double loss = 0;
    try (NDManager step = m.newSubManager();
        WeightCasts c = casts ? lm.castWeightsOncePerStep(step) : null) {
      for (int k = 0; k < MICRO; k++) {
        try (NDManager mb = step.newSubManager();
            GradientCollector gc = Engine.getInstance().newGradientCollector()) {
          NDArray ids = TinyModels.ids(mb, 10 + k, 2, 9);
          NDArray targets = TinyModels.ids(mb, 20 + k, 2, 9);
          if (pass == Pass.CHECKPOINTED) {
            double[] value = new double[1];
            lm.backwardCheckpointed(
                ids,
                null,
                targets,
                null,
                gc,
                l -> {
                  value[0] = l.getFloat();
                  return l;
                },
                mb.create(1f));
            loss += value[0];
          } else if (pass == Pass.COMPOSED_HEAD) {
            NDArray l = LmLoss.crossEntropy(lm.forward(ids, null, true).logits(), targets, null);
            loss += l.getFloat();
            gc.backward(l);
          } else {
            NDArray l = lm.trainingLoss(ids, null, targets, null).loss();
            loss += l.getFloat();
            gc.backward(l);
          }
          if (c != null) c.flushGradients();
        }
      }
    }
    return loss;
  }

  /** Each gradient's values, then zero (as the trainer zeroes after a step). */
  private static Map<String, float[]> take(Map<String, NDArray> params) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (var e : params.entrySet()) {
      NDArray g = e.getValue().getGradient();
      out.put(e.getKey(), g.toFloatArray());
      g.subi(g);
      g.close();
    }
    return out;
  }
}
