package dev.anneal.export.gguf;

import dev.anneal.model.io.HalfFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The tensor storage types Anneal writes, with their ggml type ids and the {@code
 * general.file_type} a file whose large matrices use them declares. Q8_0 stores blocks of 32 values
 * as an fp16 scale d = max|x|/127 followed by 32 signed bytes round(x/d): 34 bytes a block.
 */
public enum GgufType {
  F32(0, 0, 1, 4),
  F16(1, 1, 1, 2),
  BF16(30, 32, 1, 2),
  Q8_0(8, 7, 32, 34);

  /** The ggml_type id written in each tensor's info. */
  public final int ggmlId;

  /** The llama_ftype written as {@code general.file_type} when this type is the file's. */
  public final int fileType;

  /** Values per block (1 for plain floats). */
  public final int blockValues;

  /** Bytes per block. */
  public final int blockBytes;

  GgufType(int ggmlId, int fileType, int blockValues, int blockBytes) {
    this.ggmlId = ggmlId;
    this.fileType = fileType;
    this.blockValues = blockValues;
    this.blockBytes = blockBytes;
  }

  /** {@code f32}, {@code f16}, {@code bf16} or {@code q8_0}; a one-line error names the others. */
  public static GgufType parse(String name) {
    for (GgufType t : values()) if (t.name().equalsIgnoreCase(name)) return t;
    throw new IllegalArgumentException(
        "GGUF type '" + name + "' is not supported: choose f32, f16, bf16 or q8_0");
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Bytes {@code n} values take; n must be a whole number of blocks. */
  public long bytesFor(long n) {
    if (n % blockValues != 0)
      throw new IllegalArgumentException(
          n + " values are not whole " + this + " blocks of " + blockValues);
    return n / blockValues * blockBytes;
  }

  /** The little-endian bytes of {@code data} in this type. */
  public byte[] encode(float[] data) {
    ByteBuffer b =
        ByteBuffer.allocate(Math.toIntExact(bytesFor(data.length))).order(ByteOrder.LITTLE_ENDIAN);
    switch (this) {
      case F32 -> {
        for (float f : data) b.putFloat(f);
      }
      case F16 -> {
        for (float f : data) b.putShort(HalfFloats.floatToF16(f));
      }
      case BF16 -> {
        for (float f : data) b.putShort(HalfFloats.floatToBf16(f));
      }
      case Q8_0 -> {
        for (int at = 0; at < data.length; at += 32) q8Block(data, at, b);
      }
    }
    return b.array();
  }

  private static void q8Block(float[] x, int at, ByteBuffer out) {
    float amax = 0;
    for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[at + j]));
    float d = amax / 127f;
    float inv = d == 0 ? 0 : 1 / d;
    out.putShort(HalfFloats.floatToF16(d));
    for (int j = 0; j < 32; j++) {
      float v = x[at + j] * inv;
      // Half away from zero, as C's roundf; |v| ≤ 127 by construction.
      out.put((byte) (int) Math.copySign(Math.floor(Math.abs(v) + 0.5f), v));
    }
  }
}
