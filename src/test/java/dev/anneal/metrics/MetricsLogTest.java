package dev.anneal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {
  @TempDir Path run;

  static MetricPoint full(long step) {
    return new MetricPoint(
        step,
        step * 4096,
        0.5,
        2.5,
        2.7,
        Math.exp(2.7),
        3e-4,
        0.9,
        1234.5,
        0.41,
        8_000_000_000L,
        2_000_000_000L,
        List.of(List.of(0.25, 0.75), List.of(0.5, 0.5)),
        List.of(0.6, 0.69),
        1.25,
        null);
  }

  @Test
  void pointsAndEventsRoundTripWithSnakeCaseKeysAndNoNulls() throws Exception {
    RunEvent event =
        new RunEvent(
            7,
            Instant.parse("2026-11-24T10:00:00Z"),
            RunEvent.ROLLBACK,
            "loss spike 9.1 > 2 × 3.2",
            Map.of("to_step", 5, "lr_cut", 0.5));
    try (MetricsLog log = MetricsLog.append(run)) {
      log.write(full(1));
      log.write(MetricPoint.train(2, 2.4, 3e-4, null));
      log.write(event);
    }
    List<String> lines = Files.readAllLines(run.resolve(MetricsLog.METRICS_FILE));
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .contains(
            "\"val_loss\":2.7",
            "\"tokens_per_s\":1234.5",
            "\"device_mem_bytes\":8000000000",
            "\"expert_load\":[[0.25,0.75],[0.5,0.5]]",
            "\"router_entropy\":[0.6,0.69]",
            "\"grad_norm\":0.9");
    assertThat(lines.get(1)).isEqualTo("{\"step\":2,\"loss\":2.4,\"lr\":3.0E-4}");
    assertThat(MetricsLog.readMetrics(run.resolve(MetricsLog.METRICS_FILE)))
        .containsExactly(full(1), MetricPoint.train(2, 2.4, 3e-4, null));
    RunEvent back = MetricsLog.readEvents(run.resolve(MetricsLog.EVENTS_FILE)).getFirst();
    assertThat(back.kind()).isEqualTo("rollback");
    assertThat(back.time()).isEqualTo(event.time());
    assertThat(back.details()).containsEntry("to_step", 5).containsEntry("lr_cut", 0.5);
    assertThat(Files.readString(run.resolve(MetricsLog.EVENTS_FILE)))
        .contains("\"time\":\"2026-11-24T10:00:00Z\"");
  }

  @Test
  void anEvaluationsLossByLanguageRoundTripsUnderItsSnakeCaseKey() throws Exception {
    MetricPoint eval = MetricPoint.eval(20, 2.25, Map.of("rust", 2.5, "java", 2.0));
    try (MetricsLog log = MetricsLog.append(run)) {
      log.write(eval);
      log.write(MetricPoint.eval(30, 2.0));
    }
    List<String> lines = Files.readAllLines(run.resolve(MetricsLog.METRICS_FILE));
    assertThat(lines.get(0)).contains("\"val_loss_by_language\":{\"java\":2.0,\"rust\":2.5}");
    assertThat(lines.get(1)).doesNotContain("by_language");
    List<MetricPoint> back = MetricsLog.readMetrics(run.resolve(MetricsLog.METRICS_FILE));
    assertThat(back.get(0)).isEqualTo(eval);
    assertThat(back.get(1).valLossByLanguage()).isNull();
  }

  @Test
  void aTornLastLineIsSkippedAndCutOffWhenAppendingAgain() throws Exception {
    Path file = run.resolve(MetricsLog.METRICS_FILE);
    try (MetricsLog log = MetricsLog.append(run)) {
      log.write(MetricPoint.train(1, 3.0, 1e-3, 1.0));
    }
    Files.writeString(file, "{\"step\":2,\"lo", StandardOpenOption.APPEND);
    assertThat(MetricsLog.readMetrics(file)).extracting(MetricPoint::step).containsExactly(1L);

    try (MetricsLog log = MetricsLog.append(run)) {
      log.write(MetricPoint.train(2, 2.9, 1e-3, 1.0));
    }
    assertThat(MetricsLog.readMetrics(file)).extracting(MetricPoint::step).containsExactly(1L, 2L);
    assertThat(Files.readAllLines(file)).hasSize(2);
  }

  @Test
  void aCompleteLastLineWithoutNewlineStillCounts() throws Exception {
    Path file = run.resolve(MetricsLog.METRICS_FILE);
    Files.writeString(file, "{\"step\":1,\"loss\":3.0}\n{\"step\":2,\"loss\":NaN}");
    List<MetricPoint> points = MetricsLog.readMetrics(file);
    assertThat(points).extracting(MetricPoint::step).containsExactly(1L, 2L);
    assertThat(points.get(1).loss()).isNaN();
  }

  @Test
  void aBadLineInTheMiddleNamesFileAndLine() throws Exception {
    Path file = run.resolve(MetricsLog.METRICS_FILE);
    Files.write(
        file,
        List.of("{\"step\":1}", "{\"step\":\"two\"}", "{\"step\":3}"),
        StandardCharsets.UTF_8);
    assertThatThrownBy(() -> MetricsLog.readMetrics(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(file + ":2: not a valid MetricPoint line");
  }

  @Test
  void aMissingFileReadsAsEmpty() throws Exception {
    assertThat(MetricsLog.readMetrics(run.resolve("nope.jsonl"))).isEmpty();
  }
}
