package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpProfileTest {
  @TempDir Path dir;

  @Test
  void selfTimeSubtractsDirectChildrenPerThread() throws Exception {
    // Thread 1: linear [0,100) holds mm [10,70) which holds copy_ [20,30); then add [100,105).
    // Thread 2: mm [0,50) alone. Self: mm 60-10+50 = 100, linear 40, copy_ 10, add 5.
    Path trace = dir.resolve("t.json");
    Files.writeString(
        trace,
        """
        {"traceEvents": [
          {"ph": "X", "pid": 1, "tid": 1, "name": "aten::mm", "ts": 10, "dur": 60},
          {"ph": "X", "pid": 1, "tid": 1, "name": "aten::linear", "ts": 0, "dur": 100},
          {"ph": "X", "pid": 1, "tid": 1, "name": "aten::copy_", "ts": 20, "dur": 10},
          {"ph": "X", "pid": 1, "tid": 1, "name": "aten::add", "ts": 100, "dur": 5},
          {"ph": "X", "pid": 1, "tid": 2, "name": "aten::mm", "ts": 0, "dur": 50},
          {"ph": "i", "pid": 1, "tid": 2, "name": "marker", "ts": 5}
        ]}
        """);
    List<OpProfile.Op> ops = OpProfile.read(trace);
    assertThat(ops)
        .extracting(OpProfile.Op::name)
        .containsExactly("aten::mm", "aten::linear", "aten::copy_", "aten::add");
    assertThat(ops.get(0).selfMs()).isEqualTo(0.100);
    assertThat(ops.get(0).calls()).isEqualTo(2);
    assertThat(ops.get(1).selfMs()).isEqualTo(0.040);
    assertThat(ops.get(2).selfMs()).isEqualTo(0.010);
  }
}
