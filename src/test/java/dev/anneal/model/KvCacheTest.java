package dev.anneal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import dev.anneal.preset.ModelSpec;
import org.junit.jupiter.api.Test;

/** Prefill + one token at a time gives the logits of a full recompute, for every family. */
class KvCacheTest extends ModelTestBase {
  @Test
  void cachedDecodingEqualsFullRecomputeForEveryFamily() {
    for (ModelSpec spec : TinyModels.all()) {
      try (CausalLm lm = CausalLm.create(spec, null, m, 11);
          KvCache cache = lm.newCache(2, 16)) {
        NDArray ids = TinyModels.ids(m, 5, 2, 12);
        float[] full = lm.forward(ids, null, false).logits().toFloatArray();

        float[] cached = new float[full.length];
        int v = TinyModels.VOCAB;
        try (NDManager step = m.newSubManager()) {
          NDArray prefill = lm.forward(ids.get(":, 0:7"), cache).logits();
          copyRows(prefill, cached, 0, 7, 12, v);
        }
        for (int t = 7; t < 12; t++) {
          try (NDManager step = m.newSubManager()) {
            NDArray one = ids.get(new NDIndex().addAllDim().addSliceDim(t, t + 1));
            one.attach(step);
            copyRows(lm.forward(one, cache).logits(), cached, t, 1, 12, v);
          }
        }
        assertThat(cache.length()).isEqualTo(12);
        assertThat(TinyModels.maxDiff(cached, full)).as(spec.hfModelType()).isLessThan(1e-5);
      }
    }
  }

  /** Copies logits (B, n, V) into rows from … from+n−1 of a (B, T, V) buffer. */
  private static void copyRows(NDArray logits, float[] into, int from, int n, int t, int v) {
    float[] f = logits.toFloatArray();
    long b = logits.getShape().get(0);
    for (int row = 0; row < b; row++) {
      System.arraycopy(f, row * n * v, into, (row * t + from) * v, n * v);
    }
  }

  @Test
  void aFullCacheOrAWrongBatchIsRefusedBeforeAnythingIsWritten() {
    try (CausalLm lm = CausalLm.create(TinyModels.llama(), null, m, 1);
        KvCache cache = lm.newCache(1, 4)) {
      lm.forward(TinyModels.ids(m, 1, 1, 3), cache);
      assertThatThrownBy(() -> lm.forward(TinyModels.ids(m, 1, 1, 2), cache))
          .hasMessage("cache holds 4 tokens; 3 cached + 2 new do not fit");
      assertThatThrownBy(() -> lm.forward(TinyModels.ids(m, 1, 2, 1), cache))
          .hasMessage("batch 2 does not match the cache's batch 1");
      assertThat(cache.length()).isEqualTo(3);
      cache.reset();
      assertThat(cache.length()).isZero();
    }
  }
}
