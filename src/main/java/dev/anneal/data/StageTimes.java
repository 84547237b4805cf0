package dev.anneal.data;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wall-clock seconds per stage of one build (scan, extract, filter, the dedup passes ...), in the
 * order the stages ran, for {@code anneal bench data}. A stage that runs more than once adds up.
 */
public final class StageTimes {
  private final Map<String, Long> nanos = new LinkedHashMap<>();
  private long mark = System.nanoTime();

  /** Starts timing from now. */
  void start() {
    nanos.clear();
    mark = System.nanoTime();
  }

  /** Charges the time since the last mark to {@code stage}. */
  void lap(String stage) {
    long now = System.nanoTime();
    nanos.merge(stage, now - mark, Long::sum);
    mark = now;
  }

  /** Seconds per stage, in the order they ran. */
  public Map<String, Double> seconds() {
    Map<String, Double> out = new LinkedHashMap<>();
    nanos.forEach((k, v) -> out.put(k, v / 1e9));
    return out;
  }
}
