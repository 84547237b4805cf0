package dev.anneal.model.io;

import dev.anneal.preset.ModelSpec;
import java.io.IOException;

/**
 * A Hugging Face folder opened for import: its architecture and its weights under the names the
 * model of {@code spec} has ({@link HfNames#expected}), read lazily one tensor at a time.
 *
 * @param dtype the checkpoint's storage type (config's torch_dtype, else its tensors')
 * @param checkpoint the files underneath, for sizes and shard counts
 */
public record LoadedModel(
    String modelType,
    ModelSpec spec,
    TensorSource tensors,
    DType dtype,
    TokenIds tokens,
    SafetensorsCheckpoint checkpoint)
    implements AutoCloseable {
  @Override
  public void close() throws IOException {
    checkpoint.close();
  }
}
