package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import dev.anneal.model.io.HostTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/** Copies model tensors to and from {@link HostTensor}s, checking names and shapes. */
final class TensorTransfer {
  private TensorTransfer() {}

  static List<HostTensor> export(Collection<Param> params) {
    List<HostTensor> out = new ArrayList<>(params.size());
    for (Param p : params) {
      out.add(new HostTensor(p.name(), p.array().getShape().getShape(), p.array().toFloatArray()));
    }
    return out;
  }

  /**
   * Reads every tensor first, then writes them, so a missing or mis-shaped tensor leaves the model
   * as it was.
   *
   * @param source gives the tensor stored under a name, or null when there is none
   * @param rename the name to ask the source for, given the model's name
   */
  static void load(
      Collection<Param> params,
      Function<String, HostTensor> source,
      Function<String, String> rename) {
    List<float[]> values = new ArrayList<>(params.size());
    for (Param p : params) {
      String name = rename.apply(p.name());
      HostTensor t = source.apply(name);
      if (t == null) throw new IllegalArgumentException("missing tensor " + name);
      long[] want = p.array().getShape().getShape();
      if (!Arrays.equals(t.shape(), want)) {
        throw new IllegalArgumentException(
            "tensor "
                + name
                + " has shape "
                + Arrays.toString(t.shape())
                + ", the model expects "
                + Arrays.toString(want));
      }
      values.add(t.data());
    }
    int i = 0;
    for (Param p : params) {
      NDArray a = p.array();
      a.set(values.get(i++));
    }
  }
}
