package dev.anneal.export.gguf;

import java.util.Arrays;

/**
 * One tensor bound for a GGUF file, under its llama.cpp name.
 *
 * @param shape PyTorch order, outermost first (the file stores it reversed, innermost first)
 * @param data product(shape) fp32 values, row-major
 */
public record GgufTensor(String name, long[] shape, GgufType type, float[] data) {
  public GgufTensor {
    if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != data.length) {
      throw new IllegalArgumentException(
          name + ": shape " + Arrays.toString(shape) + " does not hold " + data.length + " values");
    }
    if (shape[shape.length - 1] % type.blockValues != 0) {
      throw new IllegalArgumentException(
          name + ": rows of " + shape[shape.length - 1] + " are not whole " + type + " blocks");
    }
  }
}
