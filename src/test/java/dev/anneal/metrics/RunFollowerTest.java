package dev.anneal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFollowerTest {
  @TempDir Path run;

  /** A trainer_state.json as HF Trainer writes it: train logs every 10 steps, eval every 20. */
  static String trainerState(int upTo, boolean finished) {
    List<String> history = new ArrayList<>();
    for (int step = 10; step <= upTo; step += 10) {
      history.add(
          String.format(
              java.util.Locale.ROOT,
              "{\"epoch\": %.2f, \"grad_norm\": %.3f, \"learning_rate\": %.6f, \"loss\": %.4f, "
                  + "\"step\": %d}",
              step / 40.0,
              1.0 / step,
              1e-3 * (1 - step / 100.0),
              4.0 - step / 50.0,
              step));
      if (step % 20 == 0) {
        history.add(
            String.format(
                java.util.Locale.ROOT,
                "{\"epoch\": %.2f, \"eval_loss\": %.4f, \"eval_runtime\": 1.5, "
                    + "\"eval_samples_per_second\": 80.0, \"step\": %d}",
                step / 40.0,
                4.2 - step / 50.0,
                step));
      }
    }
    if (finished) {
      history.add(
          "{\"epoch\": 1.0, \"step\": "
              + upTo
              + ", \"total_flos\": 1.0e12, "
              + "\"train_loss\": 3.1, \"train_runtime\": 60.0}");
    }
    return "{\"best_metric\": null, \"epoch\": "
        + upTo / 40.0
        + ", \"global_step\": "
        + upTo
        + ", \"log_history\": ["
        + String.join(",\n", history)
        + "], \"max_steps\": 100}";
  }

  @Test
  void aTrainerOutputFolderYieldsTrainAndEvalSeriesAndOnlyNewStepsLater() throws Exception {
    Path ckpt20 = Files.createDirectories(run.resolve("checkpoint-20"));
    Files.writeString(ckpt20.resolve("trainer_state.json"), trainerState(20, false));
    RunFollower follower = new RunFollower(run);

    RunFollower.Update first = follower.poll();
    assertThat(follower.source()).isEqualTo(RunFollower.Source.HF_TRAINER);
    List<MetricPoint> train = first.points().stream().filter(p -> p.loss() != null).toList();
    List<MetricPoint> eval = first.points().stream().filter(MetricPoint::isEval).toList();
    assertThat(train).extracting(MetricPoint::step).containsExactly(10L, 20L);
    assertThat(train.get(0).loss()).isCloseTo(3.8, within(1e-9));
    assertThat(train.get(1).lr()).isCloseTo(8e-4, within(1e-12));
    assertThat(train.get(1).gradNorm()).isCloseTo(0.05, within(1e-9));
    assertThat(train.get(1).epoch()).isCloseTo(0.5, within(1e-9));
    assertThat(eval)
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.step()).isEqualTo(20);
              assertThat(p.valLoss()).isCloseTo(3.8, within(1e-9));
              assertThat(p.ppl()).isCloseTo(Math.exp(3.8), within(1e-9));
            });
    assertThat(first.events())
        .singleElement()
        .satisfies(e -> assertThat(e.kind()).isEqualTo(RunEvent.CHECKPOINT));
    assertThat(follower.poll().isEmpty()).isTrue();

    // A later checkpoint repeats the old history; only steps 30 and 40 are new.
    Path ckpt40 = Files.createDirectories(run.resolve("checkpoint-40"));
    Files.writeString(ckpt40.resolve("trainer_state.json"), trainerState(40, false));
    RunFollower.Update second = follower.poll();
    assertThat(second.points()).extracting(MetricPoint::step).containsExactly(30L, 40L, 40L);
    assertThat(second.events()).extracting(RunEvent::step).containsExactly(40L);

    // The final state at the top adds step 50 and a summary, which is not a step.
    Files.writeString(run.resolve("trainer_state.json"), trainerState(50, true));
    assertThat(follower.poll().points()).extracting(MetricPoint::step).containsExactly(50L);
  }

  @Test
  void aHalfWrittenTrainerStateIsReadAgainLater() throws Exception {
    Path state = run.resolve("trainer_state.json");
    String full = trainerState(20, false);
    Files.writeString(state, full.substring(0, full.length() / 2));
    RunFollower follower = new RunFollower(run);
    assertThat(follower.poll().points()).isEmpty();
    Files.writeString(state, full);
    assertThat(follower.poll().points()).hasSize(3);
  }

  @Test
  void anAnnealRunYieldsTheSameSeriesAndAppendedLinesShowUp() throws Exception {
    try (MetricsLog log = MetricsLog.append(run)) {
      log.write(MetricPoint.train(10, 3.8, 9e-4, 0.1));
      log.write(MetricPoint.eval(20, 3.8));
      log.write(RunEvent.of(20, RunEvent.CHECKPOINT, "saved step 20"));
    }
    RunFollower follower = new RunFollower(run);
    RunFollower.Update first = follower.poll();
    assertThat(follower.source()).isEqualTo(RunFollower.Source.ANNEAL);
    assertThat(first.points())
        .containsExactly(MetricPoint.train(10, 3.8, 9e-4, 0.1), MetricPoint.eval(20, 3.8));
    assertThat(first.events()).extracting(RunEvent::kind).containsExactly("checkpoint");

    // A line still being written waits for its newline.
    Path file = run.resolve(MetricsLog.METRICS_FILE);
    Files.writeString(file, "{\"step\":30,\"loss\":3.", StandardOpenOption.APPEND);
    assertThat(follower.poll().isEmpty()).isTrue();
    Files.writeString(
        file, "5}\nnot json\n{\"step\":40,\"loss\":3.4}\n", StandardOpenOption.APPEND);
    assertThat(follower.poll().points())
        .extracting(MetricPoint::step, MetricPoint::loss)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(30L, 3.5),
            org.assertj.core.groups.Tuple.tuple(40L, 3.4));
  }

  @Test
  void aStartedFollowerPushesLinesAppendedWhileAttached() throws Exception {
    LinkedBlockingQueue<MetricPoint> seen = new LinkedBlockingQueue<>();
    try (RunFollower follower = new RunFollower(run);
        MetricsLog log = MetricsLog.append(run)) {
      follower.start(u -> seen.addAll(u.points()), Duration.ofMillis(20));
      log.write(MetricPoint.train(1, 5.0, 1e-3, 2.0));
      assertThat(seen.poll(5, TimeUnit.SECONDS)).extracting(MetricPoint::step).isEqualTo(1L);
      log.write(MetricPoint.train(2, 4.5, 1e-3, 1.5));
      assertThat(seen.poll(5, TimeUnit.SECONDS)).extracting(MetricPoint::step).isEqualTo(2L);
      follower.close();
      log.write(MetricPoint.train(3, 4.0, 1e-3, 1.0));
      assertThat(seen.poll(100, TimeUnit.MILLISECONDS)).isNull();
    }
  }

  @Test
  void anEmptyFolderWaitsForItsFirstFile() throws Exception {
    RunFollower follower = new RunFollower(run);
    assertThat(follower.poll().isEmpty()).isTrue();
    assertThat(follower.source()).isEqualTo(RunFollower.Source.NONE);
    Files.writeString(run.resolve("trainer_state.json"), trainerState(10, false));
    assertThat(follower.poll().points()).hasSize(1);
  }

  /**
   * One run of the exported train.py (transformers 5.17.0, 30 steps) wrote both files: the
   * Trainer's trainer_state.json and the bundle callback's metrics.jsonl. Read either way, the
   * series agree.
   */
  @Test
  void aRealTrainerStateAndTheBundlesMetricsGiveTheSameSeries() throws Exception {
    Path fixture = Path.of(getClass().getResource("transformers-5.17-run").toURI());
    Files.copy(fixture.resolve("trainer_state.json"), run.resolve("trainer_state.json"));
    List<MetricPoint> fromTrainer = new RunFollower(run).poll().points();
    List<MetricPoint> fromCallback = MetricsLog.readMetrics(fixture.resolve("metrics.jsonl"));

    assertThat(fromTrainer).hasSize(9).hasSameSizeAs(fromCallback);
    for (int i = 0; i < fromTrainer.size(); i++) {
      MetricPoint a = fromTrainer.get(i);
      MetricPoint b = fromCallback.get(i);
      assertThat(a.step()).isEqualTo(b.step());
      assertThat(a.loss()).isEqualTo(b.loss());
      assertThat(a.valLoss()).isEqualTo(b.valLoss());
      if (b.ppl() == null) {
        assertThat(a.ppl()).isNull();
      } else {
        assertThat(a.ppl()).isCloseTo(b.ppl(), within(1e-9 * b.ppl()));
      }
      assertThat(a.lr()).isEqualTo(b.lr());
      assertThat(a.gradNorm()).isEqualTo(b.gradNorm());
      assertThat(a.epoch()).isEqualTo(b.epoch());
    }
    assertThat(fromCallback.getFirst().tokensPerS()).isPositive();
    assertThat(fromCallback.getFirst().deviceMemBytes()).isPositive();
  }
}
