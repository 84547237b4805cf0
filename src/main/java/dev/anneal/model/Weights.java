package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.anneal.model.io.ModuleNames;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Creates a model's tensors under their Hugging Face / PEFT names, initialised as GPT-2 and Llama
 * do (normal(0, initStd); residual output projections scaled by 1/√(2·layers); norms 1, biases 0;
 * LoRA A Kaiming-uniform, B 0). Each tensor draws from its own generator seeded by (seed, name), so
 * a model is the same for the same seed whatever else changes around a tensor.
 */
final class Weights {
  final NDManager manager;
  final ModelSpec spec;
  private final LoraSpec lora;
  private final long seed;
  private final Set<String> adapted;
  private final DataType dtype;
  private final Function<String, NDArray> shared;
  final LinkedHashMap<String, Param> params = new LinkedHashMap<>();

  Weights(ModelSpec spec, LoraSpec lora, NDManager manager, long seed, DataType dtype) {
    this(spec, lora, manager, seed, dtype, null);
  }

  /**
   * The tensors of a replica ({@link CausalLm#replica}): each of {@code own} (by name) as a new
   * leaf over the same storage, without its gradient history, owned by {@code manager}.
   */
  static Weights sharing(
      Map<String, NDArray> own, ModelSpec spec, LoraSpec lora, NDManager manager, DataType dtype) {
    return new Weights(
        spec,
        lora,
        manager,
        0,
        dtype,
        name -> {
          NDArray a = own.get(name);
          if (a == null) throw new IllegalStateException("no tensor " + name + " to share");
          NDArray alias = a.stopGradient();
          alias.attach(manager);
          return alias;
        });
  }

  /**
   * @param shared when not null, each tensor is taken from it by name instead of initialised
   */
  private Weights(
      ModelSpec spec,
      LoraSpec lora,
      NDManager manager,
      long seed,
      DataType dtype,
      Function<String, NDArray> shared) {
    this.shared = shared;
    this.spec = spec;
    this.dtype = dtype;
    this.lora = lora;
    this.manager = manager;
    this.seed = seed;
    this.adapted =
        lora == null
            ? Set.of()
            : ModuleNames.adapted(spec, lora).stream()
                .map(p -> p.container() + "/" + p.name())
                .collect(Collectors.toSet());
  }

  /** The std of output projections that add into the residual stream. */
  double residualStd() {
    return spec.initStd() / Math.sqrt(2.0 * spec.layers());
  }

  NDArray normal(String name, double std, long... shape) {
    if (shared != null) return add(name, shared.apply(name), Param.Kind.BASE);
    SplittableRandom rnd = random(name);
    float[] data = new float[size(shape)];
    for (int i = 0; i < data.length; i++) data[i] = (float) (rnd.nextGaussian() * std);
    return add(name, owned(data, new Shape(shape)), Param.Kind.BASE);
  }

  /**
   * An array holding a copy of {@code data} in libtorch's own memory. DJL's {@code create} on CPU
   * wraps a Java direct buffer ({@code from_blob}) that lives only as long as its Java handle;
   * parameters are updated in place for a whole run, so they get memory of their own.
   */
  private NDArray owned(float[] data, Shape shape) {
    try (NDManager scratch = manager.newSubManager()) {
      NDArray copy = scratch.create(data, shape).duplicate();
      copy.attach(manager);
      return copy;
    }
  }

  NDArray constant(String name, float value, Param.Kind kind, long... shape) {
    if (shared != null) return add(name, shared.apply(name), kind);
    NDArray a =
        value == 0 ? manager.zeros(new Shape(shape)) : manager.full(new Shape(shape), value);
    return add(name, a, kind);
  }

  /** A zero array in the model's precision that is no parameter (a bias a layer lacks). */
  NDArray zeros(long... shape) {
    return manager.zeros(new Shape(shape), dtype);
  }

  DataType dtype() {
    return dtype;
  }

  /**
   * A projection at module path {@code path} with {@code path.weight} (and {@code path.bias}),
   * adapted by LoRA when the spec targets {@code container/name}.
   */
  Linear linear(
      String path, String container, Layout layout, long in, long out, boolean bias, double std) {
    long[] shape = layout == Layout.OUT_IN ? new long[] {out, in} : new long[] {in, out};
    NDArray w = normal(path + ".weight", std, shape);
    NDArray b = bias ? constant(path + ".bias", 0, Param.Kind.BASE, out) : null;
    String name = path.substring(path.lastIndexOf('.') + 1);
    LoraAdapter adapter = adapted.contains(container + "/" + name) ? adapter(path, in, out) : null;
    return new Linear(path, layout, w, b, adapter);
  }

  private LoraAdapter adapter(String path, long in, long out) {
    int r = lora.rank();
    String aName = path + ".lora_A.weight";
    NDArray a =
        add(aName, shared != null ? shared.apply(aName) : kaimingA(aName, r, in), Param.Kind.LORA);
    NDArray b = constant(path + ".lora_B.weight", 0, Param.Kind.LORA, out, r);
    return new LoraAdapter(a, b, lora.scaling(), lora.dropout());
  }

  /** PEFT's default for A [r, in]: kaiming_uniform_(A, a=√5) → U(−1/√in, 1/√in); B is 0. */
  private NDArray kaimingA(String name, int r, long in) {
    SplittableRandom rnd = random(name);
    double bound = 1.0 / Math.sqrt(in);
    float[] data = new float[Math.toIntExact(r * in)];
    for (int i = 0; i < data.length; i++) data[i] = (float) ((rnd.nextDouble() * 2 - 1) * bound);
    return owned(data, new Shape(r, in));
  }

  private NDArray add(String name, NDArray array, Param.Kind kind) {
    if (array.getDataType() != dtype) {
      NDArray converted = array.toType(dtype, false);
      array.close();
      array = converted;
    }
    if (params.putIfAbsent(name, new Param(name, array, kind)) != null) {
      throw new IllegalStateException("two tensors named " + name);
    }
    return array;
  }

  private SplittableRandom random(String name) {
    return new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
  }

  private static int size(long[] shape) {
    long n = 1;
    for (long d : shape) n *= d;
    return Math.toIntExact(n);
  }
}
