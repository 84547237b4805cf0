package dev.anneal.model.io;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint seen under the model's names: only the tensors in {@code fileNames} (model name →
 * name in the file), in its order.
 */
record RenamedSource(TensorSource file, Map<String, String> fileNames) implements TensorSource {
  RenamedSource {
    fileNames = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(fileNames));
  }

  @Override
  public List<String> names() {
    return List.copyOf(fileNames.keySet());
  }

  @Override
  public long[] shape(String name) {
    return file.shape(inFile(name));
  }

  @Override
  public boolean contains(String name) {
    return fileNames.containsKey(name);
  }

  @Override
  public HostTensor read(String name) throws IOException {
    HostTensor t = file.read(inFile(name));
    return new HostTensor(name, t.shape(), t.data());
  }

  private String inFile(String name) {
    String f = fileNames.get(name);
    if (f == null) throw new IllegalArgumentException("no tensor '" + name + "'");
    return f;
  }
}
