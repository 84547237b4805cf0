package dev.anneal.model.io;

import java.util.Arrays;

/**
 * A tensor held in Java memory as fp32, row-major, under its Hugging Face state-dict name. The
 * neutral form weights travel in between files (safetensors, F32/F16/BF16 converted in Java) and
 * DJL NDArrays, so neither side knows the other.
 *
 * @param name the Hugging Face parameter name, e.g. {@code model.layers.0.self_attn.q_proj.weight}
 * @param shape dimensions, outermost first
 * @param data {@code product(shape)} values, row-major
 */
public record HostTensor(String name, long[] shape, float[] data) {
  public HostTensor {
    long n = 1;
    for (long d : shape) {
      if (d < 0)
        throw new IllegalArgumentException(
            name + ": negative dimension in " + Arrays.toString(shape));
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          name
              + ": shape "
              + Arrays.toString(shape)
              + " holds "
              + n
              + " values, data has "
              + data.length);
    }
  }

  public long numel() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostTensor t
        && name.equals(t.name)
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return "HostTensor[" + name + " " + Arrays.toString(shape) + "]";
  }
}
