package dev.anneal.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Self time per libtorch operator from a profiler trace (the Chrome trace JSON that libtorch's
 * autograd profiler writes). Events nest (an {@code aten::linear} contains its {@code aten::mm}),
 * so an op's self time is its duration less that of the events directly inside it, per thread.
 */
public final class OpProfile {
  /** One operator: total self time over the trace and how often it ran. */
  public record Op(String name, double selfMs, int calls) {}

  private OpProfile() {}

  /** Operators by self time, largest first. */
  public static List<Op> read(Path trace) throws IOException {
    JsonNode root = new ObjectMapper().readTree(trace.toFile());
    JsonNode events = root.isArray() ? root : root.path("traceEvents");
    Map<String, List<JsonNode>> byThread = new HashMap<>();
    for (JsonNode e : events) {
      if (!"X".equals(e.path("ph").asText())) continue;
      byThread
          .computeIfAbsent(
              e.path("pid").asText() + "/" + e.path("tid").asText(), k -> new ArrayList<>())
          .add(e);
    }
    Map<String, double[]> self = new HashMap<>(); // name → {microseconds, calls}
    for (List<JsonNode> list : byThread.values()) {
      // Parents first: by start, the longer of two events that start together is the outer one.
      list.sort(
          Comparator.<JsonNode>comparingDouble(e -> e.path("ts").asDouble())
              .thenComparing(e -> -e.path("dur").asDouble()));
      Deque<JsonNode> open = new ArrayDeque<>();
      for (JsonNode e : list) {
        double ts = e.path("ts").asDouble();
        double dur = e.path("dur").asDouble();
        while (!open.isEmpty() && end(open.peek()) <= ts) open.pop();
        double[] mine = self.computeIfAbsent(e.path("name").asText(), k -> new double[2]);
        mine[0] += dur;
        mine[1]++;
        if (!open.isEmpty()) self.get(open.peek().path("name").asText())[0] -= dur;
        open.push(e);
      }
    }
    return self.entrySet().stream()
        .map(x -> new Op(x.getKey(), x.getValue()[0] / 1000, (int) x.getValue()[1]))
        .sorted(Comparator.comparingDouble(Op::selfMs).reversed())
        .toList();
  }

  private static double end(JsonNode e) {
    return e.path("ts").asDouble() + e.path("dur").asDouble();
  }
}
