package dev.anneal.ui.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.RunEvent;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Phase boundaries of a run with phases appear as markers on the loss chart, on the curve. */
class RunChartsPhasesTest {
  @Test
  void aPhaseEventBecomesAMarkerAtItsStep() {
    RunCharts c = new RunCharts();
    List<MetricPoint> points = new ArrayList<>();
    for (int s = 1; s <= 20; s++) points.add(MetricPoint.train(s, 5.0 - s * 0.1, 1e-3, 0.5));
    c.addPoints(points);
    c.addEvents(
        List.of(
            RunEvent.of(0, RunEvent.PHASE, "phase 1/2 'short' from step 0 to 12"),
            RunEvent.of(12, RunEvent.CHECKPOINT, "checkpoint step-000012"),
            RunEvent.of(12, RunEvent.PHASE, "phase 2/2 'long' from step 12 to 20")));
    var markers = c.phases().series().getData();
    assertThat(markers).hasSize(2);
    assertThat(markers.get(1).getXValue().longValue()).isEqualTo(12);
    assertThat(markers.get(1).getYValue().doubleValue())
        .isEqualTo(c.lossAt(12))
        .isEqualTo(5.0 - 1.2);
    assertThat(c.checkpoints().series().getData()).hasSize(1);
    assertThat(c.log())
        .anySatisfy(l -> assertThat(l).contains("[phase] step 12: phase 2/2 'long'"));
  }
}
