package dev.anneal.metrics;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough protocol-buffer encoding for TensorBoard's {@code Event} messages: varints, 64-bit
 * doubles, 32-bit floats and length-delimited fields, appended in field order. No schema, no
 * dependency: the messages are small and fixed.
 */
final class ProtoBytes {
  private static final int VARINT = 0, FIXED64 = 1, LENGTH = 2, FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  ProtoBytes varint(int field, long value) {
    key(field, VARINT);
    raw(value);
    return this;
  }

  ProtoBytes fixed64(int field, double value) {
    key(field, FIXED64);
    long bits = Double.doubleToRawLongBits(value);
    for (int i = 0; i < 8; i++) out.write((int) (bits >>> (8 * i)));
    return this;
  }

  ProtoBytes fixed32(int field, float value) {
    key(field, FIXED32);
    int bits = Float.floatToRawIntBits(value);
    for (int i = 0; i < 4; i++) out.write(bits >>> (8 * i));
    return this;
  }

  ProtoBytes string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoBytes message(int field, ProtoBytes message) {
    return bytes(field, message.toByteArray());
  }

  ProtoBytes bytes(int field, byte[] value) {
    key(field, LENGTH);
    raw(value.length);
    out.writeBytes(value);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    raw(((long) field << 3) | wireType);
  }

  private void raw(long v) {
    while ((v & ~0x7fL) != 0) {
      out.write((int) ((v & 0x7f) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }
}
