package dev.anneal.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;

/**
 * libtorch's {@code scaled_dot_product_attention}, which DJL does not expose: on the CPU it runs a
 * flash-attention kernel that never builds the (T, S) score matrix, accumulates in float32 for bf16
 * inputs, and has its own backward.
 *
 * <p>Calls {@code at::_ops::scaled_dot_product_attention::call(const Tensor& q, k, v, const
 * optional<Tensor>& attn_mask, double dropout_p, bool is_causal, optional<double> scale, bool
 * enable_gqa)} through the foreign-function API (x86-64 System V C++ ABI: the returned Tensor in a
 * hidden first argument; {@code optional<double>} is a trivially copyable {double, bool} pair
 * passed by value; {@code optional<Tensor>} is {TensorImpl*, bool} passed by reference).
 *
 * <p>libtorch throwing across this boundary would abort the JVM, so {@link #attend} checks in Java
 * what the operator checks (ranks, heads, widths, dtypes, mask shape, never a mask together with
 * is_causal).
 */
public final class FusedAttention {
  private static final String SYMBOL =
      "_ZN2at4_ops28scaled_dot_product_attention4callERKNS_6TensorES4_S4_RKSt8optionalIS2_EdbS5_IdEb";
  private static final StructLayout OPTIONAL_DOUBLE =
      MemoryLayout.structLayout(
          ValueLayout.JAVA_DOUBLE.withName("value"),
          ValueLayout.JAVA_BOOLEAN.withName("engaged"),
          MemoryLayout.paddingLayout(7));

  private static final LibtorchSymbols.Downcall CALL =
      LibtorchSymbols.downcall(
          "libtorch's scaled_dot_product_attention (fused attention)",
          SYMBOL,
          FunctionDescriptor.ofVoid(
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS,
              ValueLayout.JAVA_DOUBLE,
              ValueLayout.JAVA_BOOLEAN,
              OPTIONAL_DOUBLE,
              ValueLayout.JAVA_BOOLEAN));

  private FusedAttention() {}

  /** True where the operator can be called (Linux x86-64 with libtorch loaded). */
  public static boolean available() {
    return CALL.available();
  }

  /**
   * softmax(q·kᵀ/√D + mask)·v, without dropout, in the inputs' dtype.
   *
   * @param q (B, H, T, D)
   * @param k (B, Hkv, S, D), H a multiple of Hkv (grouped-query heads)
   * @param v (B, Hkv, S, D)
   * @param mask additive (B or 1, 1, T, S) in q's dtype, or null
   * @param causal query t sees keys up to t (T = S); only without a mask
   * @return (B, H, T, D), owned by {@code into}
   */
  public static NDArray attend(
      NDArray q, NDArray k, NDArray v, NDArray mask, boolean causal, NDManager into) {
    check(q, k, v, mask, causal);
    boolean gqa = q.getShape().get(1) != k.getShape().get(1);
    return CALL.callForTensor(
        into,
        (h, result, arena) -> {
          MemorySegment optionalMask = LibtorchSymbols.optionalTensor(arena, mask);
          MemorySegment noScale = arena.allocate(OPTIONAL_DOUBLE); // zeroed, not engaged: 1/√D
          h.invokeExact(
              result,
              LibtorchSymbols.tensorRef(q),
              LibtorchSymbols.tensorRef(k),
              LibtorchSymbols.tensorRef(v),
              optionalMask,
              0.0,
              causal,
              noScale,
              gqa);
        });
  }

  private static void check(NDArray q, NDArray k, NDArray v, NDArray mask, boolean causal) {
    var qs = q.getShape();
    var ks = k.getShape();
    boolean ok =
        qs.dimension() == 4
            && ks.equals(v.getShape())
            && ks.dimension() == 4
            && ks.get(0) == qs.get(0)
            && ks.get(3) == qs.get(3)
            && ks.get(1) > 0
            && qs.get(1) % ks.get(1) == 0
            && q.getDataType() == k.getDataType()
            && q.getDataType() == v.getDataType()
            && q.getDevice().equals(k.getDevice())
            && q.getDevice().equals(v.getDevice())
            && (mask == null || mask.getDevice().equals(q.getDevice()))
            && (!causal || (mask == null && qs.get(2) == ks.get(2)));
    if (ok && mask != null) {
      var ms = mask.getShape();
      ok =
          ms.dimension() == 4
              && (ms.get(0) == 1 || ms.get(0) == qs.get(0))
              && ms.get(1) == 1
              && ms.get(2) == qs.get(2)
              && ms.get(3) == ks.get(2)
              && mask.getDataType() == q.getDataType();
    }
    if (!ok) {
      throw new IllegalArgumentException(
          "fused attention: q "
              + qs
              + " "
              + q.getDataType()
              + ", k "
              + ks
              + ", v "
              + v.getShape()
              + ", mask "
              + (mask == null ? "none" : mask.getShape() + " " + mask.getDataType())
              + ", causal "
              + causal);
    }
  }
}
