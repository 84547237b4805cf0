package dev.anneal.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pure-Java encoder for the plain byte-level BPE tokenizers that {@link TokenizerJson} writes
 * (and GPT-2-style ones like it): added tokens matched first (leftmost, longest), the rest split
 * with the ByteLevel pattern ({@link PreTokenizer}), each piece mapped to byte symbols and merged
 * lowest rank first. Pieces repeat heavily in code, so encodings of pieces are cached: most pieces
 * cost one lookup. It exists for speed (the native library encodes about 0.7 M tokens/s per thread
 * here); tests hold it to the native library's output.
 */
final class ByteLevelBpe {
  private static final int CACHE_LIMIT = 1 << 20;

  private final Map<String, Integer> vocab;
  private final Map<Long, long[]> merges = new HashMap<>(); // (left, right) → {rank, merged id}
  private final int[] byteIds = new int[256];
  private final String[] added;
  private final int[] addedIds;
  private final ConcurrentHashMap<String, int[]> cache = new ConcurrentHashMap<>();

  private ByteLevelBpe(
      Map<String, Integer> vocab, List<String[]> mergeList, Map<String, Integer> addedTokens) {
    this.vocab = vocab;
    for (int b = 0; b < 256; b++) {
      Integer id = vocab.get(String.valueOf(ByteLevel.charOf(b)));
      if (id == null) throw new IllegalArgumentException("byte " + b + " has no token");
      byteIds[b] = id;
    }
    for (int r = 0; r < mergeList.size(); r++) {
      String[] m = mergeList.get(r);
      Integer a = vocab.get(m[0]), b = vocab.get(m[1]), c = vocab.get(m[0] + m[1]);
      if (a == null || b == null || c == null)
        throw new IllegalArgumentException("merge " + r + " names unknown tokens");
      merges.putIfAbsent(key(a, b), new long[] {r, c});
    }
    added = addedTokens.keySet().toArray(String[]::new);
    Arrays.sort(added, (x, y) -> y.length() - x.length()); // longest first on ties
    addedIds = new int[added.length];
    for (int i = 0; i < added.length; i++) addedIds[i] = addedTokens.get(added[i]);
  }

  /**
   * The encoder for a parsed {@code tokenizer.json}, or null when the file uses anything this
   * encoder does not reproduce exactly (a normalizer, another pre-tokenizer, dropout ...).
   */
  static ByteLevelBpe from(JsonNode root) {
    if (!root.path("normalizer").isNull() && !root.path("normalizer").isMissingNode()) return null;
    JsonNode pre = root.path("pre_tokenizer");
    if (!pre.path("type").asText().equals("ByteLevel")
        || pre.path("add_prefix_space").asBoolean(true)
        || !pre.path("use_regex").asBoolean(true)) return null;
    JsonNode model = root.path("model");
    if (!model.path("type").asText().equals("BPE")
        || !model.path("dropout").isNull()
        || model.path("byte_fallback").asBoolean(false)
        || model.path("ignore_merges").asBoolean(false)
        || !isEmpty(model.path("continuing_subword_prefix"))
        || !isEmpty(model.path("end_of_word_suffix"))) {
      return null;
    }
    Map<String, Integer> vocab = new HashMap<>();
    model.path("vocab").properties().forEach(e -> vocab.put(e.getKey(), e.getValue().asInt()));
    List<String[]> merges = new ArrayList<>();
    for (JsonNode m : model.path("merges")) {
      if (m.isArray() && m.size() == 2) {
        merges.add(new String[] {m.get(0).asText(), m.get(1).asText()});
      } else {
        String[] parts = m.asText().split(" ", -1);
        if (parts.length != 2) return null;
        merges.add(parts);
      }
    }
    Map<String, Integer> addedTokens = new HashMap<>();
    for (JsonNode t : root.path("added_tokens")) {
      if (t.path("lstrip").asBoolean()
          || t.path("rstrip").asBoolean()
          || t.path("single_word").asBoolean()
          || t.path("normalized").asBoolean()) return null;
      addedTokens.put(t.path("content").asText(), t.path("id").asInt());
    }
    try {
      return new ByteLevelBpe(vocab, merges, addedTokens);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean isEmpty(JsonNode n) {
    return n.isMissingNode() || n.isNull() || n.asText().isEmpty();
  }

  int[] encode(String text) {
    IntBuffer out = new IntBuffer(Math.max(16, text.length() / 3));
    int from = 0;
    while (from < text.length()) {
      int at = text.length();
      int which = -1;
      if (added.length > 0) {
        for (int i = 0; i < added.length; i++) {
          int k = text.indexOf(added[i], from);
          if (k >= 0 && k < at) {
            at = k;
            which = i;
          }
        }
      }
      pieces(text, from, at, out);
      if (which < 0) break;
      out.add(addedIds[which]);
      from = at + added[which].length();
    }
    return out.toArray();
  }

  private void pieces(String text, int from, int to, IntBuffer out) {
    for (int i = from, end; i < to; i = end) {
      end = PreTokenizer.pieceEnd(text, i, to);
      String piece = text.substring(i, end);
      int[] ids = cache.get(piece);
      if (ids == null) {
        ids = bpe(piece);
        if (cache.size() > CACHE_LIMIT) cache.clear();
        cache.put(piece, ids);
      }
      out.addAll(ids);
    }
  }

  /** Merges one piece's byte symbols, lowest-ranked pair first, leftmost among equals. */
  private int[] bpe(String piece) {
    byte[] bytes = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int[] s = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) s[i] = byteIds[bytes[i] & 0xFF];
    int n = s.length;
    while (n > 1) {
      long bestRank = Long.MAX_VALUE;
      int bestAt = -1;
      int bestId = -1;
      for (int i = 0; i + 1 < n; i++) {
        long[] m = merges.get(key(s[i], s[i + 1]));
        if (m != null && m[0] < bestRank) {
          bestRank = m[0];
          bestAt = i;
          bestId = (int) m[1];
        }
      }
      if (bestAt < 0) break;
      s[bestAt] = bestId;
      System.arraycopy(s, bestAt + 2, s, bestAt + 1, n - bestAt - 2);
      n--;
    }
    return Arrays.copyOf(s, n);
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xFFFFFFFFL);
  }

  /** A growable int array. */
  private static final class IntBuffer {
    int[] data;
    int size;

    IntBuffer(int capacity) {
      data = new int[capacity];
    }

    void add(int v) {
      if (size == data.length) data = Arrays.copyOf(data, size * 2);
      data[size++] = v;
    }

    void addAll(int[] v) {
      if (size + v.length > data.length)
        data = Arrays.copyOf(data, Math.max(size * 2, size + v.length));
      System.arraycopy(v, 0, data, size, v.length);
      size += v.length;
    }

    int[] toArray() {
      return Arrays.copyOf(data, size);
    }
  }
}
