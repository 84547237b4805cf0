package dev.anneal.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;

/**
 * libtorch's softmax over the last axis in the tensor's own dtype, bf16 included, under autograd.
 * DJL's softmax passes the array's dtype to libtorch, and a bf16 array's (which DJL cannot name)
 * would abort the JVM.
 *
 * <p>Calls {@code at::_ops::_softmax::call(const Tensor& self, int64_t dim, bool half_to_float)},
 * the operator {@code torch.softmax} dispatches to, with its own backward: its kernel accumulates a
 * bf16 row in float32 and rounds the probabilities to bf16. Same x86-64 System V C++ convention as
 * {@link LibtorchCast} (the returned Tensor in a hidden first argument).
 */
public final class LibtorchSoftmax {
  private static final String SYMBOL = "_ZN2at4_ops8_softmax4callERKNS_6TensorElb";

  private static final LibtorchSymbols.Downcall SOFTMAX =
      LibtorchSymbols.downcall(
          "libtorch's _softmax (bf16 softmax)",
          SYMBOL,
          FunctionDescriptor.ofVoid(
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_LONG,
              ValueLayout.JAVA_BOOLEAN));

  private LibtorchSoftmax() {}

  /** True when the operator can be called here (Linux x86-64, libtorch loaded). */
  public static boolean available() {
    return SOFTMAX.available();
  }

  /** softmax(x) over the last axis, in x's dtype, differentiable, owned by {@code into}. */
  public static NDArray lastAxis(NDArray x, NDManager into) {
    long dim = x.getShape().dimension() - 1;
    return SOFTMAX.callForTensor(
        into,
        (h, result, arena) -> {
          h.invokeExact(result, LibtorchSymbols.tensorRef(x), dim, false);
        });
  }
}
