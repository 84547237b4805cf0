package dev.anneal.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Casts libtorch tensors between float32 and bfloat16 under autograd, which DJL 0.36 cannot do: its
 * JNI maps no bf16 dtype (the mapping ends in a bare {@code throw;}, which aborts the JVM), and its
 * {@code toType} runs under a no-grad guard, so a cast there would cut the graph.
 *
 * <p>This calls libtorch's own operator {@code at::_ops::to_dtype::call(const Tensor&, ScalarType,
 * bool, bool, optional<MemoryFormat>)} through the foreign-function API, the same entry that {@code
 * tensor.to(dtype)} takes in C++ and Python, so the dispatcher records the cast for the backward.
 * The call follows the x86-64 System V C++ ABI: the returned {@code at::Tensor} (one intrusive
 * pointer with a non-trivial destructor) is built in caller memory passed as a hidden first
 * argument; {@code optional<MemoryFormat>} is two trivially copyable bytes passed in a register,
 * zero meaning empty. That memory is allocated with {@code malloc}, so DJL's {@code delete} on the
 * handle frees it as it frees the tensors its own JNI makes.
 *
 * <p>Only Linux x86-64 with libtorch already loaded qualifies; everywhere else {@link #available()}
 * is false and callers stay in float32. libtorch throwing across this boundary would abort, so
 * callers pass only float tensors that libtorch can cast.
 */
public final class LibtorchCast {
  /** c10::ScalarType codes. */
  private static final byte FLOAT = 6;

  private static final byte BFLOAT16 = 15;
  private static final String SYMBOL =
      "_ZN2at4_ops8to_dtype4callERKNS_6TensorEN3c1010ScalarTypeEbbSt8optionalINS5_12MemoryFormatEE";

  private static final LibtorchSymbols.Downcall TO_DTYPE =
      LibtorchSymbols.downcall(
          "libtorch's to_dtype (bfloat16 casts)",
          SYMBOL,
          FunctionDescriptor.ofVoid(
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_BYTE,
              ValueLayout.JAVA_BOOLEAN,
              ValueLayout.JAVA_BOOLEAN,
              ValueLayout.JAVA_SHORT));

  private static final LibtorchSymbols.Downcall COPY =
      LibtorchSymbols.downcall(
          "libtorch's copy_ (a cast into an existing tensor)",
          "_ZN2at4_ops5copy_4callERNS_6TensorERKS2_b",
          FunctionDescriptor.of(
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_BOOLEAN));

  private LibtorchCast() {}

  /** True when bf16 casts can be made here (Linux x86-64, libtorch loaded, symbol found). */
  public static boolean available() {
    return TO_DTYPE.available();
  }

  /** x (any float dtype) → the same values in bfloat16, differentiable, owned by {@code into}. */
  public static NDArray toBf16(NDArray x, NDManager into) {
    return to(x, BFLOAT16, into);
  }

  /** x (any float dtype) → float32, differentiable (DJL's own toType would detach). */
  public static NDArray toFloat32(NDArray x, NDManager into) {
    return to(x, FLOAT, into);
  }

  /** True when {@link #copyInto} can be called here (its symbol found in the loaded libtorch). */
  public static boolean canCopyInto() {
    return COPY.available();
  }

  /**
   * Writes {@code src}'s values into {@code target}'s storage, cast to target's dtype ({@code
   * target.copy_(src)}, not recorded): a bf16 gradient into a float32 one, without the float32
   * temporary an in-place add of mixed dtypes makes.
   */
  public static void copyInto(NDArray target, NDArray src) {
    if (!target.getShape().equals(src.getShape()))
      throw new IllegalArgumentException(
          "copyInto: " + src.getShape() + " into " + target.getShape());
    COPY.call(
        (h, arena) ->
            (MemorySegment)
                h.invokeExact(
                    LibtorchSymbols.tensorRef(target), LibtorchSymbols.tensorRef(src), false));
  }

  private static NDArray to(NDArray x, byte scalarType, NDManager into) {
    return TO_DTYPE.callForTensor(
        into,
        (h, result, arena) -> {
          h.invokeExact(result, LibtorchSymbols.tensorRef(x), scalarType, false, false, (short) 0);
        });
  }
}
