package dev.anneal.tokenizer;

import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trains a byte-level BPE vocabulary: split text with GPT-2's pattern, count the distinct pieces,
 * then repeatedly merge the most frequent adjacent pair of symbols. Pair counts are kept up to date
 * incrementally (only words holding the merged pair are revisited) and the best pair comes from a
 * priority queue with stale entries skipped, so a few MB train in seconds. Ties go to the smaller
 * pair of ids, so the same text always gives the same merges.
 */
public final class BpeTrainer {
  /** The learned vocabulary: 256 byte symbols then one per merge, as byte-level strings. */
  public record Result(List<String> symbols, List<String[]> merges) {}

  private final int vocabSize;
  private final int minFrequency;

  /**
   * @param vocabSize the final vocabulary including the special tokens
   */
  public BpeTrainer(int vocabSize, int minFrequency) {
    int least = 256 + SpecialTokens.ALL.size();
    if (vocabSize < least) {
      throw new IllegalArgumentException(
          "--vocab-size must be at least "
              + least
              + " (256 bytes + "
              + SpecialTokens.ALL.size()
              + " special tokens), got "
              + vocabSize);
    }
    this.vocabSize = vocabSize;
    this.minFrequency = Math.max(2, minFrequency);
  }

  public Result train(Iterable<String> texts, ProgressListener listener, Cancellation cancel) {
    Map<String, long[]> pieces = countPieces(texts, cancel);
    int[][] words = new int[pieces.size()][];
    long[] freq = new long[pieces.size()];
    int w = 0;
    List<String> keys = new ArrayList<>(pieces.keySet());
    keys.sort(null); // a fixed word order keeps training deterministic
    for (String k : keys) {
      words[w] = k.chars().toArray(); // byte values 0..255 (pieces are stored as Latin-1 bytes)
      freq[w++] = pieces.get(k)[0];
    }
    List<String> symbols = new ArrayList<>(vocabSize);
    for (int b = 0; b < 256; b++) symbols.add(String.valueOf(ByteLevel.charOf(b)));
    List<String[]> merges = new ArrayList<>();
    merge(words, freq, symbols, merges, listener, cancel);
    return new Result(symbols, merges);
  }

  /** Distinct pre-tokenized pieces with their counts; pieces as one char per UTF-8 byte. */
  private static Map<String, long[]> countPieces(Iterable<String> texts, Cancellation cancel) {
    List<String> all = new ArrayList<>();
    texts.forEach(all::add);
    ConcurrentHashMap<String, long[]> counts = new ConcurrentHashMap<>();
    all.parallelStream()
        .forEach(
            text -> {
              cancel.check();
              Map<String, long[]> local = new HashMap<>();
              for (int i = 0, end, n = text.length(); i < n; i = end) {
                end = PreTokenizer.pieceEnd(text, i, n);
                String bytes =
                    new String(
                        text.substring(i, end).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                local.computeIfAbsent(bytes, k -> new long[1])[0]++;
              }
              local.forEach((k, v) -> counts.merge(k, v, (a, b) -> new long[] {a[0] + b[0]}));
            });
    return counts;
  }

  private void merge(
      int[][] words,
      long[] freq,
      List<String> symbols,
      List<String[]> merges,
      ProgressListener listener,
      Cancellation cancel) {
    Map<Long, long[]> count = new HashMap<>();
    Map<Long, IntList> where = new HashMap<>();
    for (int w = 0; w < words.length; w++) {
      int[] s = words[w];
      for (int i = 0; i + 1 < s.length; i++) {
        long p = pair(s[i], s[i + 1]);
        count.computeIfAbsent(p, k -> new long[1])[0] += freq[w];
        where.computeIfAbsent(p, k -> new IntList()).add(w);
      }
    }
    PriorityQueue<long[]> queue =
        new PriorityQueue<>(
            (a, b) -> a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));
    count.forEach((p, c) -> queue.add(new long[] {c[0], p}));
    int[] stamp = new int[words.length];
    Arrays.fill(stamp, -1);
    int target = vocabSize - SpecialTokens.ALL.size();
    Map<Long, Boolean> changed = new HashMap<>();
    while (symbols.size() < target && !queue.isEmpty()) {
      long[] top = queue.poll();
      long[] now = count.get(top[1]);
      if (now == null || now[0] != top[0]) continue; // stale: a fresher entry is queued
      if (top[0] < minFrequency) break;
      if (merges.size() % 256 == 0) {
        cancel.check();
        listener.onProgress(
            new Progress(
                "merge", symbols.size(), target, Map.of("merges", (long) merges.size()), -1));
      }
      int a = (int) (top[1] >>> 32), b = (int) top[1];
      int id = symbols.size();
      symbols.add(symbols.get(a) + symbols.get(b));
      merges.add(new String[] {symbols.get(a), symbols.get(b)});
      changed.clear();
      IntList list = where.remove(top[1]);
      count.remove(top[1]);
      for (int k = 0; k < list.size; k++) {
        int w = list.data[k];
        if (stamp[w] == id) continue;
        stamp[w] = id;
        int[] old = words[w];
        int[] neu = applyMerge(old, a, b, id);
        if (neu == old) continue;
        for (int i = 0; i + 1 < old.length; i++) {
          long p = pair(old[i], old[i + 1]);
          long[] c = count.get(p);
          if (c != null) {
            c[0] -= freq[w];
            changed.put(p, Boolean.TRUE);
          }
        }
        for (int i = 0; i + 1 < neu.length; i++) {
          long p = pair(neu[i], neu[i + 1]);
          count.computeIfAbsent(p, q -> new long[1])[0] += freq[w];
          where.computeIfAbsent(p, q -> new IntList()).add(w);
          changed.put(p, Boolean.TRUE);
        }
        words[w] = neu;
      }
      for (Long p : changed.keySet()) {
        long[] c = count.get(p);
        if (c == null) continue;
        if (c[0] <= 0) {
          count.remove(p);
          where.remove(p);
        } else {
          queue.add(new long[] {c[0], p});
        }
      }
    }
  }

  /** {@code s} with every non-overlapping (a, b), left to right, replaced by {@code id}. */
  private static int[] applyMerge(int[] s, int a, int b, int id) {
    int[] out = null;
    int n = 0;
    for (int i = 0; i < s.length; i++) {
      if (i + 1 < s.length && s[i] == a && s[i + 1] == b) {
        if (out == null) {
          out = new int[s.length - 1];
          System.arraycopy(s, 0, out, 0, i);
          n = i;
        }
        out[n++] = id;
        i++;
      } else if (out != null) {
        out[n++] = s[i];
      }
    }
    return out == null ? s : Arrays.copyOf(out, n);
  }

  private static long pair(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  /** A growable int array without boxing. */
  private static final class IntList {
    int[] data = new int[4];
    int size;

    void add(int v) {
      if (size == data.length) data = Arrays.copyOf(data, size * 2);
      data[size++] = v;
    }
  }
}
