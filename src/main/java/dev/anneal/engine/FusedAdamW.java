package dev.anneal.engine;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * PyTorch's fused AdamW kernel ({@code torch.optim.AdamW(fused=True)}): one vectorised pass per
 * parameter reads p, g, m and v and writes p, m and v. DJL's own Adam makes eleven elementwise
 * passes with temporaries (a clone of the gradient among them), which made the optimizer a tenth of
 * a small model's step.
 *
 * <p>Calls {@code at::_ops::_fused_adamw_::call(TensorList params, grads, exp_avgs, exp_avg_sqs,
 * max_exp_avg_sqs, state_steps, double lr, beta1, beta2, weight_decay, eps, bool amsgrad, maximize,
 * const optional<Tensor>& grad_scale, found_inf)} through the foreign-function API. A {@code
 * TensorList} ({@code c10::ArrayRef<Tensor>}) is a trivially copyable {data, length} pair, passed
 * by value like the same C struct; each element is one {@code TensorImpl*}, read from the {@code
 * at::Tensor} a DJL handle points to (borrowed for the call: the callee balances any reference it
 * takes). The optional grad scale and found-inf flag are empty.
 *
 * <p>libtorch throwing across this boundary would abort the JVM, so {@link #step} checks in Java
 * what the kernel checks: float32 tensors on one device (CPU or CUDA: the dispatcher picks the
 * kernel), of equal shapes, a gradient for every parameter, the step count beside them.
 */
public final class FusedAdamW {
  private static final String SYMBOL =
      "_ZN2at4_ops13_fused_adamw_4callEN3c108ArrayRefINS_6TensorEEES5_S5_S5_S5_S5_dddddbbRKSt8optionalIS4_ES9_";
  private static final StructLayout TENSOR_LIST =
      MemoryLayout.structLayout(
          ValueLayout.ADDRESS.withName("data"), ValueLayout.JAVA_LONG.withName("length"));

  private static final LibtorchSymbols.Downcall CALL =
      LibtorchSymbols.downcall(
          "libtorch's _fused_adamw_ (fused AdamW)",
          SYMBOL,
          FunctionDescriptor.ofVoid(
              TENSOR_LIST,
              TENSOR_LIST,
              TENSOR_LIST,
              TENSOR_LIST,
              TENSOR_LIST,
              TENSOR_LIST,
              ValueLayout.JAVA_DOUBLE,
              ValueLayout.JAVA_DOUBLE,
              ValueLayout.JAVA_DOUBLE,
              ValueLayout.JAVA_DOUBLE,
              ValueLayout.JAVA_DOUBLE,
              ValueLayout.JAVA_BOOLEAN,
              ValueLayout.JAVA_BOOLEAN,
              ValueLayout.ADDRESS,
              ValueLayout.ADDRESS));

  private FusedAdamW() {}

  /** True where the kernel can be called (Linux x86-64 with libtorch loaded). */
  public static boolean available() {
    return CALL.available();
  }

  /**
   * One AdamW update of every parameter in place, exactly {@code torch.optim.AdamW}: p ← p·(1 −
   * lr·wd); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − lr/(1−β1ᵗ) · m /
   * (sqrt(v)/sqrt(1−β2ᵗ) + ε).
   *
   * @param step a float32 scalar holding t (already counted for this update); every parameter reads
   *     it
   */
  public static void step(
      List<NDArray> params,
      List<NDArray> grads,
      List<NDArray> expAvgs,
      List<NDArray> expAvgSqs,
      NDArray step,
      double lr,
      double beta1,
      double beta2,
      double weightDecay,
      double eps) {
    int n = params.size();
    if (grads.size() != n || expAvgs.size() != n || expAvgSqs.size() != n) {
      throw new IllegalArgumentException(
          "AdamW: "
              + n
              + " parameters but "
              + grads.size()
              + " gradients, "
              + expAvgs.size()
              + " first and "
              + expAvgSqs.size()
              + " second moments");
    }
    if (n == 0) return;
    check(step, step);
    if (!step.getDevice().equals(params.get(0).getDevice())) {
      throw new IllegalArgumentException(
          "fused AdamW: the step count must be on the parameters' device "
              + params.get(0).getDevice()
              + ", not "
              + step.getDevice());
    }
    for (int i = 0; i < n; i++) {
      NDArray p = params.get(i);
      check(p, p);
      check(grads.get(i), p);
      check(expAvgs.get(i), p);
      check(expAvgSqs.get(i), p);
    }
    CALL.call(
        (h, arena) -> {
          MemorySegment steps = arena.allocate(ValueLayout.ADDRESS, n);
          MemorySegment stepImpl = LibtorchSymbols.tensorImpl(step);
          for (int i = 0; i < n; i++) steps.setAtIndex(ValueLayout.ADDRESS, i, stepImpl);
          MemorySegment noTensor = LibtorchSymbols.noTensor(arena);
          h.invokeExact(
              list(arena, params),
              list(arena, grads),
              list(arena, expAvgs),
              list(arena, expAvgSqs),
              list(arena, List.of()),
              list(arena, steps, n),
              lr,
              beta1,
              beta2,
              weightDecay,
              eps,
              false,
              false,
              noTensor,
              noTensor);
          return null;
        });
  }

  private static void check(NDArray a, NDArray like) {
    if (a.getDataType() != DataType.FLOAT32
        || !a.getDevice().equals(like.getDevice())
        || !a.getShape().equals(like.getShape())) {
      throw new IllegalArgumentException(
          "fused AdamW takes float32 tensors on the parameter's device, of its shape "
              + like.getShape()
              + ", got "
              + a.getDataType()
              + " "
              + a.getShape()
              + " on "
              + a.getDevice());
    }
  }

  private static MemorySegment list(Arena arena, List<NDArray> tensors) {
    MemorySegment data = arena.allocate(ValueLayout.ADDRESS, Math.max(1, tensors.size()));
    for (int i = 0; i < tensors.size(); i++)
      data.setAtIndex(ValueLayout.ADDRESS, i, LibtorchSymbols.tensorImpl(tensors.get(i)));
    return list(arena, data, tensors.size());
  }

  private static MemorySegment list(Arena arena, MemorySegment data, int length) {
    MemorySegment ref = arena.allocate(TENSOR_LIST);
    ref.set(ValueLayout.ADDRESS, 0, length == 0 ? MemorySegment.NULL : data);
    ref.set(ValueLayout.JAVA_LONG, 8, length);
    return ref;
  }
}
