package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.anneal.AppEnvironment;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Recording on for the calling thread only, a backward, and the zeroing of its parameters. */
class ThreadGradientsTest {
  @Test
  void recordsOnThisThreadAndZeroesItsParametersOnly() {
    AppEnvironment.configure();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(new float[] {1f, 2f, 3f});
      NDArray other = m.create(new float[] {4f});
      w.setRequiresGradient(true);
      other.setRequiresGradient(true);
      boolean before = JniUtils.isGradMode();
      try (ThreadGradients gc = new ThreadGradients(List.of(w))) {
        assertThat(JniUtils.isGradMode()).isTrue();
        gc.backward(w.mul(w).sum().add(other.mul(m.full(new Shape(), 2f)).sum()));
        assertThat(w.getGradient().toFloatArray()).containsExactly(2f, 4f, 6f);
        gc.zeroGradients();
        assertThat(w.getGradient().toFloatArray()).containsExactly(0f, 0f, 0f);
        assertThat(other.getGradient().toFloatArray()).containsExactly(2f); // not its own
      }
      assertThat(JniUtils.isGradMode()).isEqualTo(before);
    }
  }
}
