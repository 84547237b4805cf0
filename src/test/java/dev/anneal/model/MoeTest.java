package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.anneal.preset.Family;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.MoeSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sparse dispatch equals a dense Java reference; stats, switch loss and bias update by formula. */
class MoeTest extends ModelTestBase {
  private static final int B = 2, T = 7, N = B * T, C = TinyModels.HIDDEN;
  private static final String P = "model.layers.0.block_sparse_moe.";

  private record Layer(MoeFeedForward ffn, Map<String, NDArray> params) {}

  private Layer layer(ModelSpec spec) {
    Weights w = new Weights(spec, null, m, 17, DataType.FLOAT32);
    MoeFeedForward ffn = new MoeFeedForward(w, 0);
    Map<String, NDArray> params = new LinkedHashMap<>();
    w.params.forEach((name, p) -> params.put(name, p.array()));
    return new Layer(ffn, params);
  }

  private ForwardPass pass(boolean training) {
    return new ForwardPass(m, training, 0, null, null, false);
  }

  private float[] input() {
    return TinyModels.randomFloats(3, N * C, 1.0);
  }

  @Test
  void sparseRoutingEqualsTheDenseReferenceWithAndWithoutSharedExperts() {
    for (ModelSpec spec : List.of(TinyModels.mixtral(), TinyModels.annealMoe())) {
      Layer l = layer(spec);
      float[] x = input();
      float[] y = l.ffn.forward(m.create(x, new Shape(B, T, C)), pass(false)).toFloatArray();
      DenseMoeReference ref = new DenseMoeReference(x, N, C, spec.moe(), l.params, P);
      assertThat(maxDiff(y, ref.out)).as(spec.hfModelType()).isLessThan(1e-5);
    }
  }

  @Test
  void theBalancingBiasSteersTheChoiceButNotTheWeights() {
    ModelSpec spec = TinyModels.annealMoe();
    Layer l = layer(spec);
    l.params.get(P + "gate.e_score_correction_bias").set(new float[] {0, 0, 0, 10});
    float[] x = input();
    ForwardPass pass = pass(false);
    float[] y = l.ffn.forward(m.create(x, new Shape(B, T, C)), pass).toFloatArray();
    DenseMoeReference ref = new DenseMoeReference(x, N, C, spec.moe(), l.params, P);
    for (int[] chosen : ref.chosen) assertThat(chosen).contains(3);
    assertThat(maxDiff(y, ref.out)).isLessThan(1e-5);
    // Expert 3 takes one of the two slots of every token: half the load.
    assertThat(pass.routing.getFirst().load()[3]).isEqualTo(0.5f);
  }

  @Test
  void groupLimitedRoutingKeepsEachTokenInsideItsBestGroup() {
    MoeSpec grouped = MoeSpec.routed(4, 2).withRouting(2.0, 2, 1);
    ModelSpec spec = TinyModels.spec(Family.LLAMA, 4, 2, 48, false, grouped, null, false);
    Layer l = layer(spec);
    float[] x = input();
    float[] y = l.ffn.forward(m.create(x, new Shape(B, T, C)), pass(false)).toFloatArray();
    DenseMoeReference ref = new DenseMoeReference(x, N, C, grouped, l.params, P);
    for (int[] chosen : ref.chosen) assertThat(chosen[0] / 2).isEqualTo(chosen[1] / 2);
    assertThat(maxDiff(y, ref.out)).isLessThan(1e-5);
  }

  @Test
  void loadEntropyAndSwitchLossFollowTheirFormulas() {
    ModelSpec spec = TinyModels.mixtral();
    Layer l = layer(spec);
    float[] x = input();
    ForwardPass pass = pass(true);
    l.ffn.forward(m.create(x, new Shape(B, T, C)), pass);
    DenseMoeReference ref = new DenseMoeReference(x, N, C, spec.moe(), l.params, P);
    double[] count = new double[4];
    double[] meanProb = new double[4];
    double entropy = 0;
    for (int t = 0; t < N; t++) {
      for (int j : ref.chosen[t]) count[j]++;
      for (int i = 0; i < 4; i++) {
        meanProb[i] += ref.probs[t][i] / N;
        entropy -= ref.probs[t][i] * Math.log(ref.probs[t][i]) / N;
      }
    }
    LayerRouting r = pass.routing.getFirst();
    double switchLoss = 0;
    for (int i = 0; i < 4; i++) {
      assertThat(r.load()[i]).isCloseTo((float) (count[i] / (N * 2)), within(1e-6f));
      switchLoss += count[i] / N * meanProb[i];
    }
    assertThat(r.entropy()).isCloseTo((float) entropy, within(1e-5f));
    // HF Mixtral: E · Σ fₑ·Pₑ with fₑ the routed slots per token, times the weight (0.01).
    assertThat(pass.auxLoss().getFloat()).isCloseTo((float) (4 * switchLoss * 0.01), within(1e-6f));
    assertThat(pass(false).auxLoss()).isNull();
  }

  @Test
  void theAuxFreeUpdateMovesTheBiasAgainstTheLoad() {
    try (CausalLm lm = CausalLm.create(TinyModels.annealMoe(), null, m, 1)) {
      lm.updateRoutingBias(List.of(new LayerRouting(1, new float[] {0.5f, 0.25f, 0.25f, 0f}, 1f)));
      NDArray bias =
          lm.baseParameters().get("model.layers.1.block_sparse_moe.gate.e_score_correction_bias");
      assertThat(bias.toFloatArray()).containsExactly(-1e-3f, 0f, 0f, 1e-3f);
      assertThat(
              lm.baseParameters()
                  .get("model.layers.0.block_sparse_moe.gate.e_score_correction_bias")
                  .toFloatArray())
          .containsOnly(0f);
    }
  }

  @Test
  void aModelForwardReportsEveryLayersRouting() {
    try (CausalLm lm = CausalLm.create(TinyModels.annealMoe(), null, m, 1)) {
      ForwardResult r = lm.forward(TinyModels.ids(m, 1, 2, 9), null, true);
      assertThat(r.routing()).extracting(LayerRouting::layer).containsExactly(0, 1);
      float sum = 0;
      for (float f : r.routing().getFirst().load()) sum += f;
      assertThat(sum).isCloseTo(1f, within(1e-6f));
      assertThat(r.auxLoss()).as("aux_free balancing has no auxiliary loss").isNull();
    }
  }

  private static double maxDiff(float[] y, double[][] ref) {
    double max = 0;
    for (int t = 0; t < ref.length; t++) {
      for (int i = 0; i < ref[t].length; i++)
        max = Math.max(max, Math.abs(y[t * C + i] - ref[t][i]));
    }
    return max;
  }
}
