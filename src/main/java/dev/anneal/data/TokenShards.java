package dev.anneal.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the token shards of a prepared dataset folder, memory-mapped, for the trainer.
 *
 * <p>Layout (see {@code meta.json}): {@code train.bin} and {@code val.bin} hold token ids,
 * little-endian, {@code dtype} uint16 or uint32. Each document is its tokens followed by EOS;
 * documents follow each other with no gap, and the file ends with PAD tokens up to a whole number
 * of {@code seq_len} sequences. {@code train.docs.bin} and {@code val.docs.bin} hold each
 * document's start offset (in tokens) as little-endian int64, ascending: document {@code d} spans
 * {@code [start[d], start[d+1])}, the last one up to the padding. A trainer that keeps packed
 * documents from attending to each other masks attention across these starts.
 *
 * <p>Sequence {@code i} is tokens {@code [i * seq_len, (i + 1) * seq_len)}; its targets are the
 * same window shifted by one (the last target is the next sequence's first token, or PAD). When
 * {@code meta.json} has a {@code loss_mask}, {@code train.mask.bin} and {@code val.mask.bin} hold
 * one byte per token, 1 where that token, as a target, carries loss (instruction data: only the
 * assistant's turns). Close the shards to unmap the files.
 */
public final class TokenShards implements AutoCloseable {
  public static final String META = "meta.json";

  private final Arena arena = Arena.ofShared();
  private final JsonNode meta;
  private final Shard train;
  private final Shard val;

  /** Language names of the validation documents; empty for datasets prepared without them. */
  private final List<String> valLanguageNames;

  /** Per validation document, an index into {@link #valLanguageNames}; null without them. */
  private final byte[] valLanguages;

  private TokenShards(Path dir) throws IOException {
    Path metaFile = dir.resolve(META);
    if (!Files.isRegularFile(metaFile)) {
      throw new IOException(metaFile + ": missing (run `anneal dataset prepare` on " + dir + ")");
    }
    meta = new ObjectMapper().readTree(metaFile.toFile());
    boolean wide = meta.path("dtype").asText().equals("uint32");
    int seqLen = meta.path("seq_len").asInt();
    try {
      boolean masked = meta.path("loss_mask").isObject();
      train =
          new Shard(
              dir,
              "train",
              wide,
              seqLen,
              meta.path("train_tokens").asLong(),
              meta.path("train_documents").asLong(),
              masked,
              arena);
      val =
          new Shard(
              dir,
              "val",
              wide,
              seqLen,
              meta.path("val_tokens").asLong(),
              meta.path("val_documents").asLong(),
              masked,
              arena);
      JsonNode langs = meta.path("val_languages");
      if (langs.isObject()) {
        Path file = dir.resolve(langs.path("file").asText());
        valLanguages = Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
        if (valLanguages == null || valLanguages.length != meta.path("val_documents").asLong()) {
          throw new IOException(
              file
                  + ": expected one byte per validation document ("
                  + meta.path("val_documents").asLong()
                  + ") as meta.json's val_languages says");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode n : langs.path("names")) names.add(n.asText());
        valLanguageNames = List.copyOf(names);
      } else {
        valLanguages = null;
        valLanguageNames = List.of();
      }
    } catch (IOException | RuntimeException e) {
      arena.close(); // unmap what was mapped before the failure
      throw e;
    }
  }

  /** Opens the shards of a dataset folder, checking their sizes against {@code meta.json}. */
  public static TokenShards open(Path dir) throws IOException {
    return new TokenShards(dir);
  }

  public Shard train() {
    return train;
  }

  public Shard val() {
    return val;
  }

  /** Names of the validation documents' languages, empty for a dataset prepared without them. */
  public List<String> valLanguageNames() {
    return valLanguageNames;
  }

  /**
   * The language (an index into {@link #valLanguageNames}) of the validation document holding token
   * {@code position}; -1 without languages or before the first document.
   */
  public int valLanguageAt(long position) {
    if (valLanguages == null) return -1;
    int d = val.documentAt(position);
    return d < 0 ? -1 : valLanguages[d] & 0xFF;
  }

  /** The parsed {@code meta.json}. */
  public JsonNode meta() {
    return meta;
  }

  public int seqLen() {
    return meta.path("seq_len").asInt();
  }

  public int vocabSize() {
    return meta.path("vocab_size").asInt();
  }

  public int eosId() {
    return meta.path("eos_id").asInt();
  }

  public int padId() {
    return meta.path("pad_id").asInt();
  }

  @Override
  public void close() {
    arena.close();
  }

  /** One shard: a token stream and its document starts. */
  public static final class Shard {
    private static final ValueLayout.OfShort U16 =
        ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 =
        ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment tokens;
    private final MemorySegment mask; // null: every token trains
    private final long[] starts;
    private final boolean wide;
    private final int seqLen;
    private final long length;

    Shard(
        Path dir,
        String name,
        boolean wide,
        int seqLen,
        long length,
        long documents,
        boolean masked,
        Arena arena)
        throws IOException {
      this.wide = wide;
      this.seqLen = seqLen;
      this.length = length;
      Path bin = dir.resolve(name + ".bin");
      Path docs = dir.resolve(name + ".docs.bin");
      long want = length * (wide ? 4 : 2);
      if (!Files.isRegularFile(bin) || Files.size(bin) != want) {
        throw new IOException(
            bin
                + ": expected "
                + want
                + " bytes as meta.json says, found "
                + (Files.exists(bin) ? Files.size(bin) : "no file"));
      }
      if (!Files.isRegularFile(docs) || Files.size(docs) != documents * 8) {
        throw new IOException(docs + ": expected " + documents * 8 + " bytes as meta.json says");
      }
      try (FileChannel ch = FileChannel.open(bin, StandardOpenOption.READ)) {
        tokens =
            want == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, want, arena);
      }
      Path maskFile = dir.resolve(name + ".mask.bin");
      if (!masked) {
        mask = null;
      } else if (!Files.isRegularFile(maskFile) || Files.size(maskFile) != length) {
        throw new IOException(
            maskFile
                + ": expected "
                + length
                + " bytes (one per token) as meta.json's loss_mask says, found "
                + (Files.exists(maskFile) ? Files.size(maskFile) : "no file"));
      } else {
        try (FileChannel ch = FileChannel.open(maskFile, StandardOpenOption.READ)) {
          mask =
              length == 0
                  ? MemorySegment.NULL
                  : ch.map(FileChannel.MapMode.READ_ONLY, 0, length, arena);
        }
      }
      var buf = java.nio.ByteBuffer.wrap(Files.readAllBytes(docs)).order(ByteOrder.LITTLE_ENDIAN);
      starts = new long[(int) documents];
      for (int d = 0; d < documents; d++) starts[d] = buf.getLong();
    }

    /** Tokens in the shard, padding included. */
    public long length() {
      return length;
    }

    /** Whole sequences of {@code seq_len} tokens. */
    public long sequences() {
      return seqLen == 0 ? 0 : length / seqLen;
    }

    public int token(long i) {
      return wide ? tokens.getAtIndex(U32, i) : Short.toUnsignedInt(tokens.getAtIndex(U16, i));
    }

    /** Copies {@code dst.length} tokens from {@code start}. */
    public void read(long start, int[] dst) {
      for (int k = 0; k < dst.length; k++) dst[k] = token(start + k);
    }

    /** Whether the shard has a loss mask (else every token but the padding trains). */
    public boolean masked() {
      return mask != null;
    }

    /** Whether token {@code i}, as a target, carries loss (true everywhere without a mask). */
    public boolean trained(long i) {
      return mask == null || mask.get(ValueLayout.JAVA_BYTE, i) != 0;
    }

    /** Start offsets of the documents, ascending (a copy). */
    public long[] documentStarts() {
      return starts.clone();
    }

    /** Which document holds token {@code position} (-1 before the first). */
    public int documentAt(long position) {
      int k = Arrays.binarySearch(starts, position);
      return k >= 0 ? k : -k - 2;
    }
  }
}
