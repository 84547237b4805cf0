package dev.anneal.data;

import java.util.Arrays;

/**
 * The buckets of banded LSH: a band's 64-bit key to the sample indices that fell in it, in the
 * order they were added. Open addressing over primitive keys and int arrays, because a boxed {@code
 * Map<Long, List<Integer>>} spent more time allocating than the dedup spent comparing.
 */
final class LshBuckets {
  private long[] keys = new long[1 << 12];

  /** Per slot, the bucket id + 1; 0 marks an empty slot. */
  private int[] slots = new int[1 << 12];

  private int[][] items = new int[1 << 11][];
  private int[] sizes = new int[1 << 11];
  private int count;

  /** The id of the bucket of {@code key}, made empty if there was none. */
  int bucket(long key) {
    int mask = keys.length - 1;
    int slot = (int) MinHash.mix(key) & mask;
    while (slots[slot] != 0) {
      if (keys[slot] == key) return slots[slot] - 1;
      slot = (slot + 1) & mask;
    }
    if (count == items.length) {
      items = Arrays.copyOf(items, count * 2);
      sizes = Arrays.copyOf(sizes, count * 2);
    }
    int id = count++;
    items[id] = new int[2];
    keys[slot] = key;
    slots[slot] = id + 1;
    if (2 * count > keys.length) grow();
    return id;
  }

  int size(int bucket) {
    return sizes[bucket];
  }

  /** The {@code k}-th index added to {@code bucket}. */
  int get(int bucket, int k) {
    return items[bucket][k];
  }

  void add(int bucket, int index) {
    int[] a = items[bucket];
    if (sizes[bucket] == a.length) items[bucket] = a = Arrays.copyOf(a, a.length * 2);
    a[sizes[bucket]++] = index;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldSlots = slots;
    keys = new long[oldKeys.length * 2];
    slots = new int[oldSlots.length * 2];
    int mask = keys.length - 1;
    for (int s = 0; s < oldKeys.length; s++) {
      if (oldSlots[s] == 0) continue;
      int slot = (int) MinHash.mix(oldKeys[s]) & mask;
      while (slots[slot] != 0) slot = (slot + 1) & mask;
      keys[slot] = oldKeys[s];
      slots[slot] = oldSlots[s];
    }
  }
}
