package dev.anneal.export.gguf;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out a GGUF version 3 file: the header (magic {@code GGUF}, version, tensor count, key/value
 * count), the metadata key/values, the tensor infos (name, dimensions innermost first, ggml type,
 * offset into the data section), padding to {@link #ALIGNMENT}, then each tensor's bytes, each
 * starting at a multiple of the alignment. Everything little-endian.
 */
public final class GgufWriter {
  public static final int ALIGNMENT = 32;
  static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
  static final int VERSION = 3;

  // gguf_type ids of metadata values.
  static final int UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7, STRING = 8, ARRAY = 9;

  private record Kv(String key, int type, Object value) {}

  private final List<Kv> metadata = new ArrayList<>();
  private final List<GgufTensor> tensors = new ArrayList<>();

  public GgufWriter putU32(String key, long value) {
    if (value < 0 || value > 0xffff_ffffL)
      throw new IllegalArgumentException(key + ": " + value + " does not fit a uint32");
    return add(key, UINT32, value);
  }

  public GgufWriter putF32(String key, double value) {
    return add(key, FLOAT32, (float) value);
  }

  public GgufWriter putBool(String key, boolean value) {
    return add(key, BOOL, value);
  }

  public GgufWriter putString(String key, String value) {
    return add(key, STRING, value);
  }

  public GgufWriter putStrings(String key, List<String> values) {
    return add(key, ARRAY, List.copyOf(values));
  }

  public GgufWriter putI32s(String key, int[] values) {
    return add(key, ARRAY, values.clone());
  }

  public GgufWriter addTensor(GgufTensor t) {
    if (tensors.stream().anyMatch(o -> o.name().equals(t.name())))
      throw new IllegalArgumentException("tensor " + t.name() + " added twice");
    tensors.add(t);
    return this;
  }

  private GgufWriter add(String key, int type, Object value) {
    if (metadata.stream().anyMatch(kv -> kv.key().equals(key)))
      throw new IllegalArgumentException("metadata key " + key + " set twice");
    metadata.add(new Kv(key, type, value));
    return this;
  }

  /** Writes the whole file to {@code out}; returns the bytes written. */
  public long write(OutputStream out) throws IOException {
    Out o = new Out(out);
    o.u32(MAGIC);
    o.u32(VERSION);
    o.u64(tensors.size());
    o.u64(metadata.size() + 1L);
    o.string("general.alignment");
    o.u32(UINT32);
    o.u32(ALIGNMENT);
    for (Kv kv : metadata) {
      o.string(kv.key());
      o.u32(kv.type());
      value(o, kv);
    }
    long offset = 0;
    for (GgufTensor t : tensors) {
      o.string(t.name());
      o.u32(t.shape().length);
      for (int d = t.shape().length - 1; d >= 0; d--) o.u64(t.shape()[d]);
      o.u32(t.type().ggmlId);
      o.u64(offset);
      offset = align(offset + t.type().bytesFor(t.data().length));
    }
    o.pad();
    for (GgufTensor t : tensors) {
      o.bytes(t.type().encode(t.data()));
      o.pad();
    }
    return o.count;
  }

  private static void value(Out o, Kv kv) throws IOException {
    switch (kv.value()) {
      case Long v -> o.u32(v.intValue());
      case Float v -> o.u32(Float.floatToRawIntBits(v));
      case Boolean v -> o.bytes(new byte[] {(byte) (v ? 1 : 0)});
      case String v -> o.string(v);
      case int[] v -> {
        o.u32(INT32);
        o.u64(v.length);
        for (int i : v) o.u32(i);
      }
      case List<?> v -> {
        o.u32(STRING);
        o.u64(v.size());
        for (Object s : v) o.string((String) s);
      }
      default -> throw new IllegalStateException("no encoding for " + kv.key());
    }
  }

  static long align(long n) {
    return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
  }

  /** A little-endian byte sink that counts what it wrote, for alignment. */
  private static final class Out {
    private final OutputStream out;
    private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    long count;

    Out(OutputStream out) {
      this.out = out;
    }

    void u32(int v) throws IOException {
      scratch.clear();
      bytes(scratch.putInt(v).array(), 4);
    }

    void u64(long v) throws IOException {
      scratch.clear();
      bytes(scratch.putLong(v).array(), 8);
    }

    void string(String s) throws IOException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      u64(b.length);
      bytes(b);
    }

    void bytes(byte[] b) throws IOException {
      bytes(b, b.length);
    }

    private void bytes(byte[] b, int n) throws IOException {
      out.write(b, 0, n);
      count += n;
    }

    void pad() throws IOException {
      int n = (int) (align(count) - count);
      if (n > 0) bytes(new byte[n]);
    }
  }
}
