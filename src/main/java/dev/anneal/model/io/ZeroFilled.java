package dev.anneal.model.io;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/** A source that also answers, with zeros, for names it lacks: GPT-2's absent biases on export. */
final class ZeroFilled implements TensorSource {
  private final TensorSource inner;
  private final Map<String, long[]> all;
  private final List<String> names;

  private ZeroFilled(TensorSource inner, Map<String, long[]> all) {
    this.inner = inner;
    this.all = all;
    this.names = List.copyOf(all.keySet());
  }

  /** {@code inner} extended to every name of {@code all}, in that order. */
  static TensorSource over(TensorSource inner, Map<String, long[]> all) {
    return new ZeroFilled(inner, all);
  }

  @Override
  public List<String> names() {
    return names;
  }

  @Override
  public long[] shape(String name) {
    return inner.contains(name) ? inner.shape(name) : all.get(name).clone();
  }

  @Override
  public HostTensor read(String name) throws IOException {
    if (inner.contains(name)) return inner.read(name);
    long[] shape = all.get(name);
    if (shape == null) throw new IllegalArgumentException("no tensor '" + name + "'");
    return new HostTensor(name, shape.clone(), new float[Math.toIntExact(TensorInfo.numel(shape))]);
  }
}
