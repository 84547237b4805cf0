package dev.anneal.engine;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * libtorch's float32 matrix-multiply precision ({@code torch.set_float32_matmul_precision}): "high"
 * lets CUDA run fp32 products on TF32 tensor cores (10-bit mantissa inputs, fp32 accumulation),
 * several times the fp32 rate on Ampere and later, as PyTorch users turn on for training. DJL does
 * not expose it; this calls {@code at::globalContext()} and {@code
 * at::Context::setFloat32MatmulPrecision(Float32MatmulPrecision)} (an enum passed as an int:
 * HIGHEST 0, HIGH 1, MEDIUM 2) through the foreign-function API, and reads the setting back.
 */
public final class Tf32 {
  /** libtorch's {@code at::Float32MatmulPrecision}. */
  public enum Precision {
    HIGHEST,
    HIGH,
    MEDIUM
  }

  private static final LibtorchSymbols.Downcall CONTEXT =
      LibtorchSymbols.downcall(
          "libtorch's globalContext",
          "_ZN2at13globalContextEv",
          FunctionDescriptor.of(ValueLayout.ADDRESS));
  private static final LibtorchSymbols.Downcall SET =
      LibtorchSymbols.downcall(
          "libtorch's setFloat32MatmulPrecision",
          "_ZN2at7Context25setFloat32MatmulPrecisionENS_22Float32MatmulPrecisionE",
          FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
  private static final LibtorchSymbols.Downcall GET =
      LibtorchSymbols.downcall(
          "libtorch's float32MatmulPrecision",
          "_ZNK2at7Context22float32MatmulPrecisionEv",
          FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));

  private Tf32() {}

  /** True where the setting can be read and changed (Linux x86-64, a libtorch that has it). */
  public static boolean available() {
    return CONTEXT.available() && SET.available() && GET.available();
  }

  /** Sets the float32 matmul precision for the whole process. */
  public static void set(Precision p) {
    MemorySegment context = context();
    SET.call(
        (h, arena) -> {
          h.invokeExact(context, p.ordinal());
          return null;
        });
  }

  /** The process's float32 matmul precision now. */
  public static Precision get() {
    MemorySegment context = context();
    int v = GET.call((h, arena) -> (int) h.invokeExact(context));
    return Precision.values()[v];
  }

  /**
   * Turns TF32 on for a CUDA run ("high"); returns whether it is on, read back from libtorch.
   * Elsewhere nothing changes: on a CPU the setting would let oneDNN use other reduced-precision
   * kernels that the probes here have not checked.
   */
  public static boolean enableForCuda() {
    if (!available()) return false;
    set(Precision.HIGH);
    return get() == Precision.HIGH;
  }

  private static MemorySegment context() {
    return CONTEXT.call((h, arena) -> (MemorySegment) h.invokeExact());
  }
}
