package dev.anneal.model.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Named tensors read one at a time: a safetensors file, a sharded checkpoint, a model's parameters.
 * Shapes are known up front (a writer lays out its header from them) and data is produced only when
 * asked, so a 70B checkpoint never sits in memory whole.
 */
public interface TensorSource extends AutoCloseable {
  /** Every tensor name, in a stable order. */
  List<String> names();

  /** The shape of a tensor; {@link IllegalArgumentException} when there is no such name. */
  long[] shape(String name);

  /** Reads one tensor as fp32. */
  HostTensor read(String name) throws IOException;

  default boolean contains(String name) {
    return names().contains(name);
  }

  @Override
  default void close() throws IOException {}

  /** Reads tensors by name with I/O failures unchecked, for the model's weight loaders. */
  default Function<String, HostTensor> uncheckedReader() {
    return name -> {
      try {
        return read(name);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    };
  }

  /** Tensors already in memory, in the order given. */
  static TensorSource of(Collection<HostTensor> tensors) {
    Map<String, HostTensor> byName = new LinkedHashMap<>();
    for (HostTensor t : tensors) {
      if (byName.put(t.name(), t) != null) {
        throw new IllegalArgumentException("tensor '" + t.name() + "' given twice");
      }
    }
    List<String> names = List.copyOf(byName.keySet());
    return new TensorSource() {
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
        return get(name).shape().clone();
      }

      @Override
      public HostTensor read(String name) {
        return get(name);
      }

      private HostTensor get(String name) {
        HostTensor t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("no tensor '" + name + "'");
        return t;
      }
    };
  }

  /** Total elements of all tensors. */
  static long numel(TensorSource source) {
    long n = 0;
    for (String name : source.names())
      n += Arrays.stream(source.shape(name)).reduce(1, Math::multiplyExact);
    return n;
  }
}
