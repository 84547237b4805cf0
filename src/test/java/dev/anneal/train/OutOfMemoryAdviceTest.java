package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.estimate.Estimator;
import org.junit.jupiter.api.Test;

/**
 * What the out-of-memory line tells a user to lower, and the FLOPs per token a phase's MFU uses.
 */
class OutOfMemoryAdviceTest {
  @Test
  void aPhasedRunIsToldToLowerThePhasesOwnFields() {
    String m =
        OutOfMemory.of(Device.cpu(), "training.phases[1].", 8, 2, 4096, false, "kept", null)
            .getMessage();
    assertThat(m)
        .contains(
            "micro batch 8 × 4096 tokens",
            "training.phases[1].micro_batch 8 → 4 (with accumulation 2 → 4",
            "training.phases[1].seq_len 4096 → 2048",
            "set training.activation_checkpointing: true",
            "; kept");
  }

  @Test
  void checkpointingAlreadyOnIsNotAdvisedAgain() {
    String m = OutOfMemory.of(Device.cpu(), "training.", 1, 1, 64, true, "kept", null).getMessage();
    assertThat(m).doesNotContain("activation_checkpointing").contains("the model's size");
  }

  @Test
  void flopsPerTokenGrowByTheAttentionTermWithTheSequence() {
    Preset p = PresetLoader.parse(TinyDataset.preset("f", "llama", 10), "f");
    double at1k = Estimator.flopsPerToken(p, 1024);
    double at2k = Estimator.flopsPerToken(p, 2048);
    // 12 · layers · query width · Δseq: the attention scores and their weighted sum, forward and
    // backward.
    double expected = 12.0 * p.model().layers() * p.model().queryWidth() * 1024;
    assertThat(at2k - at1k)
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-6 * expected));
    assertThat(Estimator.flopsPerToken(p, p.training().seqLenOr(p.model().context())))
        .isEqualTo(Estimator.estimate(p).flopsPerToken());
  }
}
