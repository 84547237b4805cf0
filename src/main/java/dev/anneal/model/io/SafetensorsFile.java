package dev.anneal.model.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file opened for reading one tensor at a time. Tensor data is memory-mapped in
 * windows of at most {@code windowBytes} (a whole number of elements each), each unmapped as soon
 * as it is copied out: files of any size work, and memory holds only the tensor being read.
 * Floating types arrive as fp32, integer types as {@code long}.
 */
public final class SafetensorsFile implements TensorSource {
  /** 1 GiB windows: well under the 2 GB a single mapping of a Java buffer may span. */
  public static final long DEFAULT_WINDOW_BYTES = 1L << 30;

  static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfDouble F64 =
      ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfShort I16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfInt I32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfLong I64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private static final int SCRATCH = 1 << 15;

  private final Path path;
  private final FileChannel channel;
  private final SafetensorsHeader header;
  private final Map<String, TensorInfo> byName = new LinkedHashMap<>();
  private final List<String> names;
  private final long windowBytes;

  private SafetensorsFile(
      Path path, FileChannel channel, SafetensorsHeader header, long windowBytes) {
    this.path = path;
    this.channel = channel;
    this.header = header;
    this.windowBytes = windowBytes;
    for (TensorInfo t : header.tensors()) byName.put(t.name(), t);
    this.names = List.copyOf(byName.keySet());
  }

  public static SafetensorsFile open(Path path) throws IOException {
    return open(path, DEFAULT_WINDOW_BYTES);
  }

  /** Opens with a given mapping window (tests use tiny windows to cross window boundaries). */
  public static SafetensorsFile open(Path path, long windowBytes) throws IOException {
    if (windowBytes < 8)
      throw new IllegalArgumentException("window must hold one element: " + windowBytes);
    FileChannel channel;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
    } catch (NoSuchFileException e) {
      throw new ModelFormatException(path, "no such file");
    }
    try {
      return new SafetensorsFile(path, channel, SafetensorsHeader.read(path, channel), windowBytes);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  public Path path() {
    return path;
  }

  /** The {@code __metadata__} strings ({@code format: pt} in files written by transformers). */
  public Map<String, String> metadata() {
    return header.metadata();
  }

  /** Every tensor's header entry, in file order. */
  public List<TensorInfo> tensors() {
    return header.tensors();
  }

  /** The header entry of a tensor; {@link IllegalArgumentException} when absent. */
  public TensorInfo info(String name) {
    TensorInfo t = byName.get(name);
    if (t == null) throw new IllegalArgumentException(path + ": no tensor '" + name + "'");
    return t;
  }

  @Override
  public List<String> names() {
    return names;
  }

  @Override
  public boolean contains(String name) {
    return byName.containsKey(name);
  }

  @Override
  public long[] shape(String name) {
    return info(name).shape();
  }

  @Override
  public HostTensor read(String name) throws IOException {
    TensorInfo t = info(name);
    return new HostTensor(name, t.shape(), readFloats(t));
  }

  /** A floating tensor's values as fp32 (F16/BF16 widened exactly, F64 rounded). */
  public float[] readFloats(String name) throws IOException {
    return readFloats(info(name));
  }

  /** An integer or bool tensor's values. */
  public long[] readLongs(String name) throws IOException {
    TensorInfo t = info(name);
    if (t.dtype().isFloating()) throw problem(t, "is " + t.dtype() + ", not an integer type");
    long[] out = new long[arrayLength(t)];
    forEachWindow(
        t,
        (seg, first, count) -> {
          int at = (int) first;
          switch (t.dtype()) {
            case I64 -> MemorySegment.copy(seg, I64, 0, out, at, count);
            case I32 -> {
              for (int i = 0; i < count; i++) out[at + i] = seg.get(I32, 4L * i);
            }
            case I16 -> {
              for (int i = 0; i < count; i++) out[at + i] = seg.get(I16, 2L * i);
            }
            case I8 -> {
              for (int i = 0; i < count; i++) out[at + i] = seg.get(ValueLayout.JAVA_BYTE, i);
            }
            default -> {
              for (int i = 0; i < count; i++)
                out[at + i] = seg.get(ValueLayout.JAVA_BYTE, i) & 0xff;
            }
          }
        });
    return out;
  }

  private float[] readFloats(TensorInfo t) throws IOException {
    if (!t.dtype().isFloating()) throw problem(t, "is " + t.dtype() + ", not a floating type");
    float[] out = new float[arrayLength(t)];
    short[] scratch = t.dtype().bytes() == 2 ? new short[SCRATCH] : null;
    forEachWindow(
        t,
        (seg, first, count) -> {
          int at = (int) first;
          switch (t.dtype()) {
            case F32 -> MemorySegment.copy(seg, F32, 0, out, at, count);
            case F64 -> {
              for (int i = 0; i < count; i++) out[at + i] = (float) seg.get(F64, 8L * i);
            }
            case F16, BF16 -> {
              boolean bf16 = t.dtype() == DType.BF16;
              for (int done = 0; done < count; done += SCRATCH) {
                int n = Math.min(SCRATCH, count - done);
                MemorySegment.copy(seg, I16, 2L * done, scratch, 0, n);
                for (int i = 0; i < n; i++) {
                  out[at + done + i] =
                      bf16 ? HalfFloats.bf16ToFloat(scratch[i]) : HalfFloats.f16ToFloat(scratch[i]);
                }
              }
            }
            default -> throw new IllegalStateException(t.dtype().toString());
          }
        });
    return out;
  }

  /** Receives one mapped window: {@code count} elements starting at element {@code first}. */
  private interface WindowVisitor {
    void visit(MemorySegment window, long first, int count) throws IOException;
  }

  private void forEachWindow(TensorInfo t, WindowVisitor visitor) throws IOException {
    int size = t.dtype().bytes();
    long perWindow = Math.max(1, windowBytes / size);
    long numel = t.numel();
    for (long first = 0; first < numel; first += perWindow) {
      int count = (int) Math.min(perWindow, numel - first);
      long position = header.dataStart() + t.begin() + first * size;
      try (Arena arena = Arena.ofConfined()) {
        MemorySegment window =
            channel.map(FileChannel.MapMode.READ_ONLY, position, (long) count * size, arena);
        visitor.visit(window, first, count);
      }
    }
  }

  private int arrayLength(TensorInfo t) throws ModelFormatException {
    long n = t.numel();
    if (n > Integer.MAX_VALUE - 8) {
      throw problem(t, "has " + n + " elements, more than one Java array holds");
    }
    return (int) n;
  }

  private ModelFormatException problem(TensorInfo t, String what) {
    return new ModelFormatException(path, "tensor '" + t.name() + "' " + what);
  }

  /** Size of the whole file in bytes. */
  public long fileSize() throws IOException {
    return channel.size();
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
