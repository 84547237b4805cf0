package dev.anneal.export.gguf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A GGUF reader for the tests, written from the format's description and sharing nothing with the
 * writer: it checks magic, version, alignment of every offset, that tensors neither overlap nor run
 * past the end, and dequantizes F32, F16, BF16 and Q8_0 on its own.
 */
final class GgufReader {
  /** One tensor info: dims as stored (innermost first), ggml type id, absolute file offset. */
  record Info(String name, long[] dims, int type, long offset) {
    /** The PyTorch-order shape (outermost first). */
    long[] shape() {
      long[] s = new long[dims.length];
      for (int i = 0; i < dims.length; i++) s[i] = dims[dims.length - 1 - i];
      return s;
    }

    long count() {
      long n = 1;
      for (long d : dims) n *= d;
      return n;
    }

    long bytes() {
      return switch (type) {
        case 0 -> count() * 4;
        case 1, 30 -> count() * 2;
        case 8 -> count() / 32 * 34;
        default -> throw new AssertionError(name + ": unexpected ggml type " + type);
      };
    }
  }

  final int version;
  final Map<String, Object> meta = new LinkedHashMap<>();
  final Map<String, Info> tensors = new LinkedHashMap<>();
  private final ByteBuffer buf;

  GgufReader(Path file) throws IOException {
    buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[4];
    buf.get(magic);
    if (!new String(magic, StandardCharsets.US_ASCII).equals("GGUF"))
      throw new AssertionError("bad magic");
    version = buf.getInt();
    long nTensors = buf.getLong(), nKv = buf.getLong();
    for (long i = 0; i < nKv; i++) {
      String key = str();
      meta.put(key, value(buf.getInt()));
    }
    List<Info> infos = new ArrayList<>();
    List<Long> relative = new ArrayList<>();
    for (long i = 0; i < nTensors; i++) {
      String name = str();
      int nd = buf.getInt();
      long[] dims = new long[nd];
      for (int d = 0; d < nd; d++) dims[d] = buf.getLong();
      int type = buf.getInt();
      relative.add(buf.getLong());
      infos.add(new Info(name, dims, type, 0));
    }
    long align = ((Number) meta.getOrDefault("general.alignment", 32)).longValue();
    long dataStart = (buf.position() + align - 1) / align * align;
    long end = dataStart;
    for (int i = 0; i < infos.size(); i++) {
      Info raw = infos.get(i);
      long rel = relative.get(i);
      if (rel % align != 0)
        throw new AssertionError(raw.name() + " at offset " + rel + " is not aligned to " + align);
      if (dataStart + rel < end)
        throw new AssertionError(raw.name() + " overlaps the tensor before it");
      Info info = new Info(raw.name(), raw.dims(), raw.type(), dataStart + rel);
      end = info.offset() + info.bytes();
      if (end > buf.capacity())
        throw new AssertionError(raw.name() + " runs past the end of the file");
      if (tensors.put(info.name(), info) != null)
        throw new AssertionError("duplicate tensor " + info.name());
    }
  }

  /** A tensor's values as fp32, row-major. */
  float[] floats(String name) {
    Info t = tensors.get(name);
    if (t == null) throw new AssertionError("no tensor " + name + " in the file");
    int n = Math.toIntExact(t.count());
    float[] out = new float[n];
    int p = (int) t.offset();
    for (int i = 0; i < n; i++) {
      switch (t.type()) {
        case 0 -> out[i] = buf.getFloat(p + 4 * i);
        case 1 -> out[i] = Float.float16ToFloat(buf.getShort(p + 2 * i));
        case 30 -> out[i] = Float.intBitsToFloat((buf.getShort(p + 2 * i) & 0xffff) << 16);
        case 8 -> {
          int block = p + (i / 32) * 34;
          out[i] = Float.float16ToFloat(buf.getShort(block)) * buf.get(block + 2 + i % 32);
        }
        default -> throw new AssertionError("type " + t.type());
      }
    }
    return out;
  }

  /** The fp16 scale of each Q8_0 block of a tensor. */
  float[] q8Scales(String name) {
    Info t = tensors.get(name);
    float[] d = new float[Math.toIntExact(t.count() / 32)];
    for (int b = 0; b < d.length; b++)
      d[b] = Float.float16ToFloat(buf.getShort((int) t.offset() + b * 34));
    return d;
  }

  private String str() {
    byte[] b = new byte[Math.toIntExact(buf.getLong())];
    buf.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private Object value(int type) {
    return switch (type) {
      case 0 -> buf.get() & 0xff;
      case 1 -> (int) buf.get();
      case 2 -> buf.getShort() & 0xffff;
      case 3 -> (int) buf.getShort();
      case 4 -> buf.getInt() & 0xffff_ffffL;
      case 5 -> buf.getInt();
      case 6 -> buf.getFloat();
      case 7 -> {
        byte b = buf.get();
        if (b != 0 && b != 1) throw new AssertionError("bool byte " + b);
        yield b == 1;
      }
      case 8 -> str();
      case 9 -> {
        int elem = buf.getInt();
        long n = buf.getLong();
        List<Object> list = new ArrayList<>();
        for (long i = 0; i < n; i++) list.add(value(elem));
        yield list;
      }
      case 10 -> buf.getLong();
      case 11 -> buf.getLong();
      case 12 -> buf.getDouble();
      default -> throw new AssertionError("metadata type " + type);
    };
  }
}
