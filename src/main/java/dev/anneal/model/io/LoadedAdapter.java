package dev.anneal.model.io;

import dev.anneal.preset.LoraSpec;
import java.io.IOException;

/**
 * A PEFT adapter opened for import: its LoRA spec and tensors under the model's module paths
 * ({@code M.lora_A.weight} [r, in], {@code M.lora_B.weight} [out, r]; the router's {@code
 * gate.weight} too when it was trained), read lazily.
 */
public record LoadedAdapter(
    PeftAdapter.Config config, TensorSource tensors, DType dtype, SafetensorsCheckpoint checkpoint)
    implements AutoCloseable {
  public LoraSpec lora() {
    return config.lora();
  }

  @Override
  public void close() throws IOException {
    checkpoint.close();
  }
}
