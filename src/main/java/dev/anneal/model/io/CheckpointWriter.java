package dev.anneal.model.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * Writes a checkpoint into a folder the way transformers does: one {@code model.safetensors} when
 * it fits in a shard, else {@code model-00001-of-0000N.safetensors} files of at most {@code
 * maxShardBytes} of data each (a single larger tensor gets a shard of its own) plus {@code
 * model.safetensors.index.json} with {@code total_size} and the {@code weight_map}.
 */
public final class CheckpointWriter {
  /** transformers' default {@code max_shard_size} ("5GB", decimal). */
  public static final long DEFAULT_SHARD_BYTES = 5_000_000_000L;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private CheckpointWriter() {}

  /** Returns the file names written, shards first. */
  public static List<String> write(
      Path dir,
      String baseName,
      TensorSource source,
      List<String> names,
      DType dtype,
      long maxShardBytes,
      WriteProgress progress)
      throws IOException {
    if (maxShardBytes <= 0) throw new IllegalArgumentException("shard size must be positive");
    List<List<String>> shards = split(source, names, dtype, maxShardBytes);
    WriteProgress bytes = progress.forTotal(SafetensorsWriter.dataBytes(source, names, dtype));
    if (shards.size() <= 1) {
      Path file = SafetensorsCheckpoint.singleFile(dir, baseName);
      SafetensorsWriter.write(file, source, names, dtype, SafetensorsWriter.PT_METADATA, bytes);
      return List.of(file.getFileName().toString());
    }
    List<String> written = new ArrayList<>();
    TreeMap<String, String> weightMap = new TreeMap<>();
    long totalParameters = 0;
    for (int i = 0; i < shards.size(); i++) {
      String shardName = shardName(baseName, i + 1, shards.size());
      SafetensorsWriter.write(
          dir.resolve(shardName),
          source,
          shards.get(i),
          dtype,
          SafetensorsWriter.PT_METADATA,
          bytes);
      for (String name : shards.get(i)) {
        weightMap.put(name, shardName);
        totalParameters += TensorInfo.numel(source.shape(name));
      }
      written.add(shardName);
    }
    ObjectNode index = JSON.createObjectNode();
    ObjectNode metadata = index.putObject("metadata");
    metadata.put("total_size", SafetensorsWriter.dataBytes(source, names, dtype));
    metadata.put("total_parameters", totalParameters);
    ObjectNode map = index.putObject("weight_map");
    weightMap.forEach(map::put);
    Path indexFile = SafetensorsCheckpoint.indexFile(dir, baseName);
    AtomicFiles.writeString(indexFile, JSON.writeValueAsString(index) + "\n");
    written.add(indexFile.getFileName().toString());
    return written;
  }

  /** {@code model-00002-of-00005.safetensors}. */
  public static String shardName(String baseName, int shard, int shards) {
    return String.format(Locale.ROOT, "%s-%05d-of-%05d.safetensors", baseName, shard, shards);
  }

  /** Greedy split in order, as transformers' {@code split_torch_state_dict_into_shards}. */
  static List<List<String>> split(TensorSource source, List<String> names, DType dtype, long max) {
    List<List<String>> shards = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long size = 0;
    for (String name : names) {
      long bytes = TensorInfo.numel(source.shape(name)) * dtype.bytes();
      if (!current.isEmpty() && size + bytes > max) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(name);
      size += bytes;
    }
    if (!current.isEmpty()) shards.add(current);
    return shards;
  }
}
