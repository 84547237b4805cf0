package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/** Gives LoRA B matrices random values, so an adapter changes the output. */
final class LoraTestSupport {
  private LoraTestSupport() {}

  static void randomiseB(CausalLm lm, long seed) {
    int i = 0;
    for (Map.Entry<String, NDArray> e : lm.loraParameters().entrySet()) {
      if (!e.getKey().endsWith("lora_B.weight")) continue;
      NDArray b = e.getValue();
      float[] values = TinyModels.randomFloats(seed + i++, (int) b.getShape().size(), 0.1);
      try (NDArray f = b.getManager().create(values, b.getShape());
          NDArray typed = f.toType(b.getDataType(), false)) {
        b.set(typed.toByteBuffer());
      }
    }
  }
}
