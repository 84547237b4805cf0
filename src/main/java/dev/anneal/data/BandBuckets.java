package dev.anneal.data;

import java.util.stream.IntStream;

/**
 * The LSH buckets of one kind's samples, found before the pass: samples whose band keys are equal
 * share a bucket (whatever their bands). Only buckets of two or more entries get an id, since a
 * bucket of one compares nothing; each has room for all its entries, in {@code members} from {@code
 * start[id]}. The keys are cut by their top bits into parts of a few thousand, grouped in parallel
 * with a small table each.
 *
 * @param bucketOf per entry (position × bands + band), its bucket id, or -1 when alone
 */
record BandBuckets(int[] bucketOf, int[] start, int[] members) {
  int count() {
    return start.length - 1;
  }

  static BandBuckets of(int[] indices, long[] bandKeys, int bands) {
    int entries = indices.length * bands;
    int partBits = 0;
    while (partBits < 16 && (entries >>> partBits) > 8192) partBits++;
    int parts = 1 << partBits;
    int shift = 64 - partBits;
    // Counting sort of the entries by their key's top bits, each part in entry order.
    int[] partStart = new int[parts + 1];
    for (int p = 0; p < indices.length; p++) {
      int keys = indices[p] * bands;
      for (int b = 0; b < bands; b++) partStart[part(bandKeys[keys + b], shift) + 1]++;
    }
    for (int q = 0; q < parts; q++) partStart[q + 1] += partStart[q];
    int[] order = new int[entries];
    long[] sorted = new long[entries]; // the keys in that order, read in sequence
    int[] next = java.util.Arrays.copyOf(partStart, parts);
    for (int p = 0; p < indices.length; p++) {
      int keys = indices[p] * bands;
      for (int b = 0; b < bands; b++) {
        long key = bandKeys[keys + b];
        int o = next[part(key, shift)]++;
        order[o] = p * bands + b;
        sorted[o] = key;
      }
    }
    int[] bucketOf = new int[entries];
    int[] sizes = new int[entries]; // per part, from the part's start: its buckets' sizes
    int[] bucketsIn = new int[parts];
    IntStream.range(0, parts)
        .parallel()
        .forEach(
            q ->
                bucketsIn[q] =
                    group(order, sorted, partStart[q], partStart[q + 1], bucketOf, sizes));
    // Part q's local ids 0.. become base[q]..; sizes to each bucket's first member slot.
    int total = 0;
    for (int q = 0; q < parts; q++) total += bucketsIn[q];
    int[] start = new int[total + 1];
    int[] base = new int[parts];
    int id = 0;
    for (int q = 0; q < parts; q++) {
      base[q] = id;
      for (int g = 0; g < bucketsIn[q]; g++, id++)
        start[id + 1] = start[id] + sizes[partStart[q] + g];
    }
    for (int q = 0; q < parts; q++) {
      for (int o = partStart[q]; o < partStart[q + 1]; o++) {
        int e = order[o];
        if (bucketOf[e] >= 0) bucketOf[e] += base[q];
      }
    }
    return new BandBuckets(bucketOf, start, new int[start[total]]);
  }

  private static int part(long key, int shift) {
    return shift == 64 ? 0 : (int) (key >>> shift);
  }

  /**
   * Groups the entries {@code order[from..to)}, whose keys are {@code sorted[from..to)}, by key:
   * each entry of a key seen twice or more gets that key's local id (numbered in order of first
   * entry), every other -1. Writes the sizes of the local buckets from {@code sizes[from]} and
   * returns how many there are.
   */
  /** Per thread, the table {@link #group} works in, left empty after each part. */
  private static final class Table {
    long[] keys = new long[0];
    int[] count = new int[0]; // 0 marks an empty slot
    int[] idOf = new int[0]; // -1 until the slot's bucket has an id
    int[] slotOf = new int[0];

    void fit(int n, int capacity) {
      if (keys.length < capacity) {
        keys = new long[capacity];
        count = new int[capacity];
        idOf = new int[capacity];
        java.util.Arrays.fill(idOf, -1);
      }
      if (slotOf.length < n) slotOf = new int[Math.max(n, 2 * slotOf.length)];
    }
  }

  private static final ThreadLocal<Table> TABLE = ThreadLocal.withInitial(Table::new);

  private static int group(
      int[] order, long[] sorted, int from, int to, int[] bucketOf, int[] sizes) {
    int n = to - from;
    if (n == 0) return 0;
    int capacity = Integer.highestOneBit(Math.max(2, n)) * 4;
    int mask = capacity - 1;
    Table table = TABLE.get();
    table.fit(n, capacity);
    long[] keys = table.keys;
    int[] count = table.count;
    int[] idOf = table.idOf;
    int[] slotOf = table.slotOf;
    for (int o = from; o < to; o++) {
      long key = sorted[o];
      int slot = (int) MinHash.mix(key) & mask;
      while (count[slot] != 0 && keys[slot] != key) slot = (slot + 1) & mask;
      keys[slot] = key;
      count[slot]++;
      slotOf[o - from] = slot;
    }
    int ids = 0;
    for (int o = from; o < to; o++) {
      int slot = slotOf[o - from];
      int e = order[o];
      if (count[slot] < 2) {
        bucketOf[e] = -1;
        continue;
      }
      if (idOf[slot] < 0) {
        idOf[slot] = ids;
        sizes[from + ids] = count[slot];
        ids++;
      }
      bucketOf[e] = idOf[slot];
    }
    for (int k = 0; k < n; k++) {
      count[slotOf[k]] = 0;
      idOf[slotOf[k]] = -1;
    }
    return ids;
  }
}
