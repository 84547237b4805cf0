package dev.anneal.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.AppEnvironment;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.runs.RunComparison;
import dev.anneal.runs.RunHistory;
import dev.anneal.train.TinyDataset;
import dev.anneal.train.TrainerControl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepTest {
  @TempDir static Path tmp;
  static Path data;
  static Preset base;

  @BeforeAll
  static void setUp() throws Exception {
    AppEnvironment.configure();
    data = TinyDataset.write(tmp.resolve("data"), 16, 60, 8);
    base = PresetLoader.parse(TinyDataset.preset("tiny-sweep", "gpt2", 40), "tiny-sweep");
  }

  @Test
  void gridRunsEveryCombinationInOrder() {
    SweepGrid g = SweepGrid.parse(List.of("lr=1e-3,3e-3", "micro_batch=8,16"));
    assertThat(g.combinations())
        .containsExactly(
            Map.of("training.lr", "1e-3", "training.micro_batch", "8"),
            Map.of("training.lr", "1e-3", "training.micro_batch", "16"),
            Map.of("training.lr", "3e-3", "training.micro_batch", "8"),
            Map.of("training.lr", "3e-3", "training.micro_batch", "16"));
    assertThatThrownBy(() -> SweepGrid.parse(List.of("lr")))
        .hasMessageContaining("expected FIELD=V1,V2");
    assertThatThrownBy(() -> SweepGrid.parse(List.of("lr=1,1")))
        .hasMessageContaining("listed twice");
  }

  @Test
  void settingsGoIntoThePresetAndBadOnesNameTheField() {
    Preset p = SweepPresets.apply(base, Map.of("training.lr", "3e-3", "model.layers", "3"));
    assertThat(p.training().lr()).isEqualTo(3e-3);
    assertThat(p.model().layers()).isEqualTo(3);
    assertThat(p.training().microBatch()).isEqualTo(base.training().microBatch());
    assertThatThrownBy(() -> SweepPresets.apply(base, Map.of("training.micro_batch", "abc")))
        .hasMessageContaining("micro_batch");
    assertThatThrownBy(() -> SweepPresets.apply(base, Map.of("training.bogus", "1")))
        .hasMessageContaining("bogus");
    assertThatThrownBy(() -> SweepPresets.apply(base, Map.of("training.lr", "1e-4")))
        .hasMessage("--grid training.lr=1e-4: training.min_lr: must be in [0, lr]");
  }

  @Test
  void anInterruptedSweepResumesWhereItStoppedAndRanksByValidationLoss() throws Exception {
    Path dir = tmp.resolve("sweep");
    SweepGrid grid = SweepGrid.parse(List.of("lr=1e-2,2e-3"));
    Sweep first = new Sweep(dir, base, data, 12, grid, 1, new TrainerControl());
    double before = first.estimatedSeconds();
    assertThat(before).isPositive();
    // Stop during the second run, after its first checkpoint (step 5).
    SweepState s1 =
        first.run(
            new SweepListener() {
              @Override
              public void onStep(SweepRun run, long step, long steps) {
                if (run.index() == 1 && step == 7) first.stop();
              }
            });
    assertThat(s1.runs()).extracting(SweepRun::status).containsExactly("completed", "stopped");
    String firstRun = s1.runs().get(0).run();
    String secondRun = s1.runs().get(1).run();
    assertThat(SweepState.read(dir).runs().get(1).run()).isEqualTo(secondRun);

    Sweep again = new Sweep(dir, base, data, 12, grid, 1, new TrainerControl());
    // Only the unfinished run is left to estimate: half of the two equal-cost runs.
    assertThat(again.estimatedSeconds())
        .isCloseTo(before / 2, org.assertj.core.data.Offset.offset(before * 1e-9));
    SweepState s2 = again.run(SweepListener.NONE);
    assertThat(s2.runs()).extracting(SweepRun::status).containsExactly("completed", "completed");
    assertThat(s2.runs().get(0).run()).isEqualTo(firstRun); // not run again
    assertThat(s2.runs().get(1).run()).isEqualTo(secondRun); // resumed in its own folder
    try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
      assertThat(runs.count()).isEqualTo(2);
    }
    // The resumed run has every step 1..12 once in its curve and reached step 12.
    RunHistory h = RunHistory.read(Path.of(secondRun));
    assertThat(h.trainLoss())
        .extracting(RunHistory.Point::step)
        .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 12).boxed().toList());
    assertThat(s2.runs().get(1).finalLoss()).isEqualTo(h.finalLoss()).isFinite();

    // Ranked by best validation loss: the recorded best is the lowest val_loss in metrics.jsonl.
    for (SweepRun r : s2.runs()) {
      double min =
          MetricsLog.readMetrics(Path.of(r.run()).resolve(MetricsLog.METRICS_FILE)).stream()
              .filter(MetricPoint::isEval)
              .mapToDouble(MetricPoint::valLoss)
              .min()
              .orElseThrow();
      assertThat(r.bestValLoss()).isEqualTo(min);
    }
    List<SweepRun> ranked = Sweep.ranked(s2);
    assertThat(ranked.get(0).bestValLoss()).isLessThan(ranked.get(1).bestValLoss());
    assertThat(ranked.get(0).settings())
        .containsEntry("training.lr", "1e-2"); // 2e-3 moves less in 12 steps

    // A different grid in the same folder is refused rather than mixed in.
    assertThatThrownBy(
            () ->
                new Sweep(
                    dir,
                    base,
                    data,
                    12,
                    SweepGrid.parse(List.of("lr=5e-3")),
                    1,
                    new TrainerControl()))
        .hasMessageContaining("holds another sweep");

    // The two runs compared: the preset diff is exactly the learning rate.
    RunComparison c = RunComparison.of(List.of(Path.of(firstRun), Path.of(secondRun)));
    assertThat(c.presetDiff())
        .singleElement()
        .satisfies(
            row -> {
              assertThat(row.field()).isEqualTo("training.lr");
              assertThat(row.values()).containsExactly("0.01", "0.002");
            });
    assertThat(c.runs().get(0).valLoss()).allSatisfy(p -> assertThat(p.tokens()).isPositive());
    assertThat(c.runs().get(0).lr()).hasSize(12);
    assertThat(c.runs().get(1).seconds()).isPositive();
  }
}
