package dev.anneal.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.io.AtomicFiles;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes tensors as one safetensors file, streaming: the header is laid out from the shapes, then
 * each tensor is read from its source, converted to the file's dtype in small chunks and written,
 * so memory holds one tensor at a time. The file appears atomically when complete.
 */
public final class SafetensorsWriter {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CHUNK_ELEMENTS = 1 << 14;

  private SafetensorsWriter() {}

  /** Metadata transformers expects in a PyTorch checkpoint. */
  public static final Map<String, String> PT_METADATA = Map.of("format", "pt");

  /** Writes {@code names} from {@code source} into {@code file} as {@code dtype}. */
  public static void write(
      Path file,
      TensorSource source,
      List<String> names,
      DType dtype,
      Map<String, String> metadata,
      WriteProgress progress)
      throws IOException {
    List<TensorInfo> layout = layout(source, names, dtype);
    byte[] header = header(layout, metadata);
    AtomicFiles.write(
        file,
        out -> {
          out.write(header);
          for (TensorInfo t : layout) writeTensor(out, source.read(t.name()), t, progress);
        });
  }

  /** Writes every tensor of {@code source} in its order, with transformers' metadata. */
  public static void write(Path file, TensorSource source, DType dtype) throws IOException {
    write(file, source, source.names(), dtype, PT_METADATA, WriteProgress.none());
  }

  /** Where each tensor goes in the data section: contiguous, in the order given. */
  static List<TensorInfo> layout(TensorSource source, List<String> names, DType dtype) {
    if (dtype != DType.F32 && dtype != DType.F16 && dtype != DType.BF16) {
      throw new IllegalArgumentException("weights are written as F32, F16 or BF16, not " + dtype);
    }
    List<TensorInfo> layout = new ArrayList<>(names.size());
    long offset = 0;
    for (String name : names) {
      long[] shape = source.shape(name);
      long bytes = Math.multiplyExact(TensorInfo.numel(shape), (long) dtype.bytes());
      layout.add(new TensorInfo(name, dtype, shape, offset, offset + bytes));
      offset += bytes;
    }
    return layout;
  }

  /** Bytes of tensor data {@code names} take as {@code dtype}. */
  static long dataBytes(TensorSource source, List<String> names, DType dtype) {
    long total = 0;
    for (String name : names) total += TensorInfo.numel(source.shape(name)) * dtype.bytes();
    return total;
  }

  /** The length prefix and JSON, padded with spaces to a multiple of 8 as safetensors does. */
  static byte[] header(List<TensorInfo> layout, Map<String, String> metadata) throws IOException {
    ObjectNode root = JSON.createObjectNode();
    if (metadata != null && !metadata.isEmpty()) {
      ObjectNode meta = root.putObject("__metadata__");
      metadata.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> meta.put(e.getKey(), e.getValue()));
    }
    for (TensorInfo t : layout) {
      ObjectNode entry = root.putObject(t.name());
      entry.put("dtype", t.dtype().name());
      var shape = entry.putArray("shape");
      for (long d : t.shape()) shape.add(d);
      entry.putArray("data_offsets").add(t.begin()).add(t.end());
    }
    byte[] json = JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer buffer = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    buffer.putLong(padded).put(json);
    while (buffer.hasRemaining()) buffer.put((byte) ' ');
    return buffer.array();
  }

  private static void writeTensor(
      OutputStream out, HostTensor tensor, TensorInfo slot, WriteProgress progress)
      throws IOException {
    progress.checkCancelled();
    if (!Arrays.equals(tensor.shape(), slot.shape())) {
      throw new IOException(
          "tensor '"
              + slot.name()
              + "' was declared "
              + Arrays.toString(slot.shape())
              + " but read as "
              + Arrays.toString(tensor.shape()));
    }
    float[] data = tensor.data();
    int size = slot.dtype().bytes();
    byte[] bytes = new byte[CHUNK_ELEMENTS * size];
    MemorySegment buffer = MemorySegment.ofArray(bytes);
    for (int from = 0; from < data.length; from += CHUNK_ELEMENTS) {
      int n = Math.min(CHUNK_ELEMENTS, data.length - from);
      switch (slot.dtype()) {
        case F32 -> MemorySegment.copy(data, from, buffer, SafetensorsFile.F32, 0, n);
        case F16 -> {
          for (int i = 0; i < n; i++)
            buffer.set(SafetensorsFile.I16, 2L * i, HalfFloats.floatToF16(data[from + i]));
        }
        case BF16 -> {
          for (int i = 0; i < n; i++)
            buffer.set(SafetensorsFile.I16, 2L * i, HalfFloats.floatToBf16(data[from + i]));
        }
        default -> throw new IllegalStateException(slot.dtype().toString());
      }
      out.write(bytes, 0, n * size);
      progress.advance((long) n * size);
    }
  }
}
