package dev.anneal.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of a folder as one {@link TensorSource}: either a single {@code model.safetensors} or
 * shards listed in {@code model.safetensors.index.json}, whose {@code weight_map} says which shard
 * holds each tensor (as transformers writes them). The base name is {@code model} for models and
 * {@code adapter_model} for PEFT adapters.
 */
public final class SafetensorsCheckpoint implements TensorSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final List<SafetensorsFile> shards;
  private final Map<String, SafetensorsFile> owner;
  private final List<String> names;
  private final Path index;

  private SafetensorsCheckpoint(
      List<SafetensorsFile> shards, Map<String, SafetensorsFile> owner, Path index) {
    this.shards = List.copyOf(shards);
    this.owner = owner;
    this.names = List.copyOf(owner.keySet());
    this.index = index;
  }

  /** The single file of a checkpoint: {@code model.safetensors}. */
  public static Path singleFile(Path dir, String baseName) {
    return dir.resolve(baseName + ".safetensors");
  }

  public static Path indexFile(Path dir, String baseName) {
    return dir.resolve(baseName + ".safetensors.index.json");
  }

  /** Whether {@code dir} holds a checkpoint of this base name, single or sharded. */
  public static boolean exists(Path dir, String baseName) {
    return Files.isRegularFile(indexFile(dir, baseName))
        || Files.isRegularFile(singleFile(dir, baseName));
  }

  public static SafetensorsCheckpoint open(Path dir, String baseName) throws IOException {
    return open(dir, baseName, SafetensorsFile.DEFAULT_WINDOW_BYTES);
  }

  /** Opens the index when there is one, else the single file. */
  public static SafetensorsCheckpoint open(Path dir, String baseName, long windowBytes)
      throws IOException {
    Path index = indexFile(dir, baseName);
    if (Files.isRegularFile(index)) return openSharded(index, windowBytes);
    Path single = singleFile(dir, baseName);
    if (!Files.isRegularFile(single)) {
      throw new ModelFormatException(
          dir, "no " + single.getFileName() + " or " + index.getFileName());
    }
    SafetensorsFile file = SafetensorsFile.open(single, windowBytes);
    Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
    for (String name : file.names()) owner.put(name, file);
    return new SafetensorsCheckpoint(List.of(file), owner, null);
  }

  private static SafetensorsCheckpoint openSharded(Path index, long windowBytes)
      throws IOException {
    Map<String, String> weightMap = readWeightMap(index);
    Map<String, SafetensorsFile> byShard = new TreeMap<>();
    List<SafetensorsFile> opened = new ArrayList<>();
    try {
      for (String shard : new java.util.TreeSet<>(weightMap.values())) {
        Path path = index.resolveSibling(shard);
        if (!Files.isRegularFile(path)) {
          throw new ModelFormatException(
              index, "weight_map names shard " + shard + ", which is missing");
        }
        SafetensorsFile file = SafetensorsFile.open(path, windowBytes);
        opened.add(file);
        byShard.put(shard, file);
      }
      // Shard order, then each shard's file order: reading walks each file front to back.
      Map<String, SafetensorsFile> owner = new LinkedHashMap<>();
      for (SafetensorsFile file : opened) {
        String shard = file.path().getFileName().toString();
        for (String name : file.names()) {
          if (shard.equals(weightMap.get(name))) owner.put(name, file);
        }
      }
      for (Map.Entry<String, String> e : weightMap.entrySet()) {
        if (!owner.containsKey(e.getKey())) {
          throw new ModelFormatException(
              index,
              "weight_map puts tensor '"
                  + e.getKey()
                  + "' in "
                  + e.getValue()
                  + ", which does not hold it");
        }
      }
      return new SafetensorsCheckpoint(opened, owner, index);
    } catch (IOException | RuntimeException e) {
      for (SafetensorsFile f : opened) f.close();
      throw e;
    }
  }

  private static Map<String, String> readWeightMap(Path index) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (JacksonException e) {
      throw new ModelFormatException(index, "not valid JSON: " + e.getOriginalMessage());
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject())
      throw new ModelFormatException(index, "no weight_map object");
    Map<String, String> weightMap = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String shard = e.getValue().asText();
      if (!e.getValue().isTextual()
          || shard.contains("/")
          || shard.contains("\\")
          || shard.isEmpty()) {
        throw new ModelFormatException(
            index, "tensor '" + e.getKey() + "': bad shard name " + e.getValue());
      }
      weightMap.put(e.getKey(), shard);
    }
    return weightMap;
  }

  /** The files, in shard order (one for an unsharded checkpoint). */
  public List<SafetensorsFile> shards() {
    return shards;
  }

  /** The index file, or null when the checkpoint is one file. */
  public Path index() {
    return index;
  }

  public TensorInfo info(String name) {
    return file(name).info(name);
  }

  @Override
  public List<String> names() {
    return names;
  }

  @Override
  public boolean contains(String name) {
    return owner.containsKey(name);
  }

  @Override
  public long[] shape(String name) {
    return file(name).shape(name);
  }

  @Override
  public HostTensor read(String name) throws IOException {
    return file(name).read(name);
  }

  /** Sum of the files' sizes in bytes. */
  public long totalBytes() throws IOException {
    long n = 0;
    for (SafetensorsFile f : shards) n += f.fileSize();
    return n;
  }

  private SafetensorsFile file(String name) {
    SafetensorsFile f = owner.get(name);
    if (f == null) throw new IllegalArgumentException("no tensor '" + name + "' in the checkpoint");
    return f;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (SafetensorsFile f : shards) {
      try {
        f.close();
      } catch (IOException e) {
        if (first == null) first = e;
      }
    }
    if (first != null) throw first;
  }
}
