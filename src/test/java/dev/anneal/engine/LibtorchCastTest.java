package dev.anneal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class LibtorchCastTest {

  @Test
  void roundTripRoundsToBf16AndGradientFlowsBack() {
    assumeTrue(LibtorchCast.available(), "bf16 casts need Linux x86-64");
    try (NDManager m = NDManager.newBaseManager()) {
      float[] v = {1f, 1.00390625f, 3.14159265f, -2.5e-3f, 65504f, 1e-30f};
      NDArray x = m.create(v);
      NDArray b = LibtorchCast.toBf16(x, m);
      assertThat(b.getDataType()).isEqualTo(DataType.UNKNOWN); // DJL has no name for it
      float[] back = LibtorchCast.toFloat32(b, m).toFloatArray();
      for (int i = 0; i < v.length; i++) {
        // bf16 keeps 8 significant bits: round to nearest even on the top 16 bits of the float.
        int bits = Float.floatToRawIntBits(v[i]);
        int rounded = (bits + 0x7FFF + ((bits >>> 16) & 1)) & 0xFFFF0000;
        assertThat(back[i]).as("element %d", i).isEqualTo(Float.intBitsToFloat(rounded));
      }
    }
  }

  @Test
  void copyIntoWritesTheCastValuesIntoTheTargetsOwnStorage() {
    assumeTrue(LibtorchCast.canCopyInto(), "copy_ needs Linux x86-64");
    try (NDManager m = NDManager.newBaseManager()) {
      float[] v = {1f, -3.140625f, 2.5e-3f, 65280f, 1e-30f, 0f};
      NDArray src = LibtorchCast.toBf16(m.create(v, new Shape(2, 3)), m);
      NDArray target = m.full(new Shape(2, 3), 7f); // not zero: copy_ must not add
      NDArray view = target.reshape(6); // the same storage: the write lands in place
      LibtorchCast.copyInto(target, src);
      assertThat(target.getDataType()).isEqualTo(DataType.FLOAT32);
      assertThat(view.toFloatArray())
          .containsExactly(LibtorchCast.toFloat32(src, m).toFloatArray());
      assertThatThrownBy(() -> LibtorchCast.copyInto(m.zeros(new Shape(3, 2)), src))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("(2, 3)");
    }
  }

  @Test
  void bf16MatmulBackwardMatchesFloat32WithinBf16Precision() {
    assumeTrue(LibtorchCast.available(), "bf16 casts need Linux x86-64");
    Engine engine = Engine.getEngine("PyTorch");
    try (NDManager m = NDManager.newBaseManager()) {
      m.getEngine().setRandomSeed(7);
      NDArray a = m.randomNormal(new Shape(32, 64));
      NDArray w = m.randomNormal(new Shape(64, 16));
      a.setRequiresGradient(true);
      w.setRequiresGradient(true);
      float[] ga32;
      float[] gw32;
      try (GradientCollector gc = engine.newGradientCollector()) {
        gc.backward(a.matMul(w).square().sum());
      }
      ga32 = a.getGradient().toFloatArray();
      gw32 = w.getGradient().toFloatArray();
      a.getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
      w.getGradient().set(new ai.djl.ndarray.index.NDIndex("..."), 0f);
      try (GradientCollector gc = engine.newGradientCollector()) {
        NDArray y =
            LibtorchCast.toFloat32(LibtorchCast.toBf16(a, m).matMul(LibtorchCast.toBf16(w, m)), m);
        gc.backward(y.square().sum());
      }
      assertThat(a.getGradient().getDataType()).isEqualTo(DataType.FLOAT32);
      assertClose(a.getGradient().toFloatArray(), ga32);
      assertClose(w.getGradient().toFloatArray(), gw32);
    }
  }

  private static void assertClose(float[] actual, float[] expected) {
    double num = 0, den = 0;
    for (int i = 0; i < expected.length; i++) {
      num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
      den += expected[i] * expected[i];
    }
    // bf16 has a unit roundoff of 2^-8; accumulated in fp32 the relative error stays near it.
    assertThat(Math.sqrt(num / den)).isLessThan(2e-2).isGreaterThan(0);
  }
}
