package dev.anneal.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LshBucketsTest {
  @Test
  void holdsWhatABoxedMapOfListsHoldsThroughManyGrowths() {
    LshBuckets buckets = new LshBuckets();
    Map<Long, List<Integer>> reference = new HashMap<>();
    Map<Long, Integer> ids = new HashMap<>();
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 200_000; i++) {
      // Few distinct keys early, many later: buckets of every size, and the table grows often.
      long key = rng.nextInt(1 + i / 4) * 0x9E3779B97F4A7C15L;
      int id = buckets.bucket(key);
      assertThat(ids.computeIfAbsent(key, k -> id)).isEqualTo(id);
      if (rng.nextInt(3) > 0) {
        buckets.add(id, i);
        reference.computeIfAbsent(key, k -> new ArrayList<>()).add(i);
      }
    }
    for (var e : ids.entrySet()) {
      List<Integer> want = reference.getOrDefault(e.getKey(), List.of());
      int id = e.getValue();
      assertThat(buckets.size(id)).isEqualTo(want.size());
      for (int k = 0; k < want.size(); k++) assertThat(buckets.get(id, k)).isEqualTo(want.get(k));
    }
  }
}
