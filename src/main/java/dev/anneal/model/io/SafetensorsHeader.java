package dev.anneal.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header of a safetensors file: an 8-byte little-endian length N, N bytes of JSON mapping each
 * tensor name to {@code {dtype, shape, data_offsets: [begin, end]}} (offsets relative to the data
 * that follows), plus an optional {@code __metadata__} map of strings. Parsing checks everything a
 * reader relies on, so a damaged file fails here with the file and tensor named.
 *
 * @param tensors in file order (by offset)
 * @param dataStart byte position of the data section in the file (8 + N)
 */
record SafetensorsHeader(Map<String, String> metadata, List<TensorInfo> tensors, long dataStart) {
  /** safetensors' own limit; a larger "header" means a corrupt or foreign file. */
  static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8)
      throw new ModelFormatException(file, "not a safetensors file (" + size + " bytes)");
    ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lengthBytes, 0);
    long n = lengthBytes.getLong(0);
    if (n < 0 || n > size - 8) {
      throw new ModelFormatException(
          file,
          "header length "
              + Long.toUnsignedString(n)
              + " runs past the end of the file ("
              + size
              + " bytes): truncated or not safetensors");
    }
    if (n > MAX_HEADER_BYTES) {
      throw new ModelFormatException(
          file, "header length " + n + " exceeds 100 MB: not safetensors");
    }
    ByteBuffer json = ByteBuffer.allocate((int) n);
    readFully(channel, json, 8);
    JsonNode root;
    try {
      root = JSON.readTree(json.array());
    } catch (JacksonException e) {
      throw new ModelFormatException(file, "header is not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ModelFormatException(file, "header is not a JSON object");
    }
    return parse(file, root, size - 8 - n, 8 + n);
  }

  private static SafetensorsHeader parse(Path file, JsonNode root, long dataSize, long dataStart)
      throws ModelFormatException {
    Map<String, String> metadata = new LinkedHashMap<>();
    List<TensorInfo> tensors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (e.getKey().equals("__metadata__")) {
        e.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
      } else {
        tensors.add(tensor(file, e.getKey(), e.getValue(), dataSize));
      }
    }
    tensors.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    for (int i = 1; i < tensors.size(); i++) {
      TensorInfo a = tensors.get(i - 1);
      TensorInfo b = tensors.get(i);
      if (b.begin() < a.end()) {
        throw new ModelFormatException(
            file,
            "tensors '"
                + a.name()
                + "' ["
                + a.begin()
                + ", "
                + a.end()
                + ") and '"
                + b.name()
                + "' ["
                + b.begin()
                + ", "
                + b.end()
                + ") overlap");
      }
    }
    return new SafetensorsHeader(Map.copyOf(metadata), List.copyOf(tensors), dataStart);
  }

  private static TensorInfo tensor(Path file, String name, JsonNode node, long dataSize)
      throws ModelFormatException {
    String where = "tensor '" + name + "': ";
    JsonNode dtypeNode = node.get("dtype");
    JsonNode shapeNode = node.get("shape");
    JsonNode offsets = node.get("data_offsets");
    if (dtypeNode == null
        || shapeNode == null
        || offsets == null
        || !shapeNode.isArray()
        || !offsets.isArray()
        || offsets.size() != 2) {
      throw new ModelFormatException(
          file, where + "needs dtype, shape and data_offsets [begin, end]");
    }
    DType dtype = DType.fromSafetensors(dtypeNode.asText());
    if (dtype == null) {
      throw new ModelFormatException(file, where + "unknown dtype '" + dtypeNode.asText() + "'");
    }
    long[] shape = new long[shapeNode.size()];
    for (int i = 0; i < shape.length; i++) {
      JsonNode d = shapeNode.get(i);
      if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
        throw new ModelFormatException(file, where + "bad shape " + shapeNode);
      }
      shape[i] = d.asLong();
    }
    if (!offsets.get(0).isIntegralNumber() || !offsets.get(1).isIntegralNumber()) {
      throw new ModelFormatException(file, where + "bad data_offsets " + offsets);
    }
    long begin = offsets.get(0).asLong();
    long end = offsets.get(1).asLong();
    if (begin < 0 || end < begin || end > dataSize) {
      throw new ModelFormatException(
          file,
          where
              + "data_offsets ["
              + begin
              + ", "
              + end
              + "] out of range (the data section holds "
              + dataSize
              + " bytes)");
    }
    long expected;
    try {
      expected = Math.multiplyExact(TensorInfo.numel(shape), (long) dtype.bytes());
    } catch (ArithmeticException overflow) {
      throw new ModelFormatException(file, where + "shape " + shapeNode + " is too large");
    }
    if (end - begin != expected) {
      throw new ModelFormatException(
          file,
          where
              + "data_offsets ["
              + begin
              + ", "
              + end
              + "] hold "
              + (end - begin)
              + " bytes, but "
              + dtype
              + shapeNode
              + " needs "
              + expected);
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  private static void readFully(FileChannel channel, ByteBuffer buffer, long position)
      throws IOException {
    while (buffer.hasRemaining()) {
      int n = channel.read(buffer, position + buffer.position());
      if (n < 0) throw new java.io.EOFException();
    }
  }
}
