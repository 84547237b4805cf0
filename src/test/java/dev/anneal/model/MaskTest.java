package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.anneal.preset.ModelSpec;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Causal and document masks leak nothing: later tokens and other documents cannot move a logit. */
class MaskTest extends ModelTestBase {
  private static final int T = 12;
  private static final int V = TinyModels.VOCAB;

  /**
   * How far an untouched logit may move: exactly not at all in a dense model. In an MoE the changed
   * token is routed elsewhere, so each expert's batch of rows changes size, and the matrix kernels
   * block a different row count differently: the sums round differently by a few ulps (seen: 1.5e-8
   * to 3e-8), while anything seen through the mask moves by more than 1e-4.
   */
  private static double untouched(ModelSpec spec) {
    return spec.hasExperts() ? 1e-6 : 0;
  }

  @Test
  void changingALaterTokenLeavesEarlierLogitsUntouched() {
    for (ModelSpec spec : TinyModels.all()) {
      try (CausalLm lm = CausalLm.create(spec, null, m, 3)) {
        long[] ids = tokens(1);
        float[] before = logits(lm, ids, null);
        ids[8] = (ids[8] + 1) % V;
        float[] after = logits(lm, ids, null);
        assertThat(TinyModels.maxDiff(rows(before, 0, 8), rows(after, 0, 8)))
            .as(spec.hfModelType())
            .isLessThanOrEqualTo(untouched(spec));
        assertThat(TinyModels.maxDiff(rows(before, 8, T), rows(after, 8, T)))
            .as("the change shows")
            .isGreaterThan(1e-4);
      }
    }
  }

  @Test
  void documentsInOnePackedRowDoNotSeeEachOther() {
    long[] docs = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    for (ModelSpec spec : TinyModels.all()) {
      try (CausalLm lm = CausalLm.create(spec, null, m, 3)) {
        long[] ids = tokens(2);
        float[] before = logits(lm, ids, docs);
        ids[2] = (ids[2] + 1) % V; // inside document 0: documents 1 and 2 must not move
        float[] after = logits(lm, ids, docs);
        assertThat(TinyModels.maxDiff(rows(before, 5, T), rows(after, 5, T)))
            .as(spec.hfModelType())
            .isLessThanOrEqualTo(untouched(spec));
        ids[2] = (ids[2] + V - 1) % V;
        ids[7] = (ids[7] + 1) % V; // inside document 1: document 0 and 2 must not move
        after = logits(lm, ids, docs);
        assertThat(TinyModels.maxDiff(rows(before, 0, 5), rows(after, 0, 5)))
            .isLessThanOrEqualTo(untouched(spec));
        assertThat(TinyModels.maxDiff(rows(before, 9, T), rows(after, 9, T)))
            .isLessThanOrEqualTo(untouched(spec));
        assertThat(TinyModels.maxDiff(rows(before, 7, 9), rows(after, 7, 9))).isGreaterThan(1e-4);
      }
    }
  }

  @Test
  void withRotaryPositionsAPackedDocumentSeesWhatItSeesAlone() {
    // RoPE depends on relative positions only, so document 1 at positions 5…8 of a packed row
    // must give the logits it gives alone at positions 0…3.
    long[] docs = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2};
    try (CausalLm lm = CausalLm.create(TinyModels.annealMoe(), null, m, 3)) {
      long[] ids = tokens(4);
      float[] packed = logits(lm, ids, docs);
      long[] alone = Arrays.copyOfRange(ids, 5, 9);
      NDArray a = m.create(alone, new Shape(1, 4));
      float[] single = lm.forward(a, null, false).logits().toFloatArray();
      assertThat(TinyModels.maxDiff(rows(packed, 5, 9), single)).isLessThan(1e-5);
    }
  }

  private static long[] tokens(long seed) {
    return TinyModels.ids(root, seed, 1, T).toLongArray();
  }

  private float[] logits(CausalLm lm, long[] ids, long[] docs) {
    NDArray idArray = m.create(ids, new Shape(1, T));
    NDArray docArray = docs == null ? null : m.create(docs, new Shape(1, T));
    return lm.forward(idArray, docArray, false).logits().toFloatArray();
  }

  private static float[] rows(float[] logits, int from, int to) {
    return Arrays.copyOfRange(logits, from * V, to * V);
  }
}
