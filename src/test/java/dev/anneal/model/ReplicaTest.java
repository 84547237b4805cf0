package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A replica ({@link CausalLm#replica}) computes what its model computes: it shares the weights,
 * sees them change, and follows the adapters' state (on, off, merged) without folding them again.
 */
class ReplicaTest extends ModelTestBase {
  @Test
  void aReplicaSeesItsModelsWeightsAndAdapterState() {
    try (CausalLm model =
        CausalLm.create(
            TinyModels.llama(), TinyModels.lora(List.of("q_proj", "v_proj"), List.of()), root, 3)) {
      // B starts at zero, which would hide an adapter counted twice or not at all.
      for (var e : model.loraParameters().entrySet()) {
        NDArray a = e.getValue();
        a.set(TinyModels.randomFloats(e.getKey().hashCode(), (int) a.size(), 0.5));
      }
      CausalLm replica = model.replica();
      NDArray ids = TinyModels.ids(m, 5, 2, 6);
      assertSameLogits(model, replica, ids, "adapters on");

      model.adapters().merge();
      replica.adapters().follow(model.adapters());
      assertSameLogits(model, replica, ids, "merged");

      model.adapters().setEnabled(false); // unmerges, then switches off
      replica.adapters().follow(model.adapters());
      assertSameLogits(model, replica, ids, "adapters off");

      // A weight moved in place on the model moves on the replica.
      NDArray w = model.baseParameters().values().iterator().next();
      w.addi(m.ones(new Shape(1)));
      assertSameLogits(model, replica, ids, "after an in-place update");
      assertThat(replica.trainableParameters().keySet())
          .isEqualTo(model.trainableParameters().keySet());
    }
  }

  private void assertSameLogits(CausalLm model, CausalLm replica, NDArray ids, String when) {
    float[] a = model.forward(ids, null, false).logits().toFloatArray();
    float[] b = replica.forward(ids, null, false).logits().toFloatArray();
    assertThat(b).as(when).containsExactly(a);
  }
}
