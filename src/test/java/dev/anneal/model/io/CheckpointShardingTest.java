package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointShardingTest {
  @TempDir Path dir;

  // 6 tensors of 40, 40, 120, 40, 8, 40 bytes as F32.
  private final List<HostTensor> tensors =
      List.of(
          SafetensorsTest.random("a", new Random(5), 10),
              SafetensorsTest.random("b", new Random(6), 2, 5),
          SafetensorsTest.random("big", new Random(7), 30),
              SafetensorsTest.random("c", new Random(8), 10),
          SafetensorsTest.random("d", new Random(9), 2),
              SafetensorsTest.random("e", new Random(10), 10));

  @Test
  void splitsAtTheShardSizeAndWritesAnIndexLikeTransformers() throws IOException {
    TensorSource source = TensorSource.of(tensors);
    List<String> files =
        CheckpointWriter.write(
            dir, "model", source, source.names(), DType.F32, 100, WriteProgress.none());
    // Greedy: [a b] (80) | [big] (120, alone) | [c d e] (88).
    assertThat(files)
        .containsExactly(
            "model-00001-of-00003.safetensors",
            "model-00002-of-00003.safetensors",
            "model-00003-of-00003.safetensors",
            "model.safetensors.index.json");
    assertThat(dir.resolve("model.safetensors")).doesNotExist();
    JsonNode index =
        new ObjectMapper().readTree(dir.resolve("model.safetensors.index.json").toFile());
    assertThat(index.get("metadata").get("total_size").asLong()).isEqualTo(288);
    assertThat(index.get("weight_map").get("b").asText())
        .isEqualTo("model-00001-of-00003.safetensors");
    assertThat(index.get("weight_map").get("big").asText())
        .isEqualTo("model-00002-of-00003.safetensors");
    assertThat(index.get("weight_map").get("e").asText())
        .isEqualTo("model-00003-of-00003.safetensors");
    try (SafetensorsFile shard = SafetensorsFile.open(dir.resolve(files.get(2)))) {
      assertThat(shard.names()).containsExactly("c", "d", "e");
    }
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir, "model", 16)) {
      assertThat(ckpt.shards()).hasSize(3);
      assertThat(ckpt.names()).containsExactly("a", "b", "big", "c", "d", "e");
      for (HostTensor t : tensors) assertThat(ckpt.read(t.name())).isEqualTo(t);
    }
  }

  @Test
  void oneShardIsAPlainFileWithoutIndex() throws IOException {
    TensorSource source = TensorSource.of(tensors);
    assertThat(
            CheckpointWriter.write(
                dir,
                "model",
                source,
                source.names(),
                DType.BF16,
                CheckpointWriter.DEFAULT_SHARD_BYTES,
                WriteProgress.none()))
        .containsExactly("model.safetensors");
    try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(dir, "model")) {
      assertThat(ckpt.index()).isNull();
      assertThat(ckpt.names()).hasSize(6);
    }
  }

  @Test
  void aBrokenIndexIsReportedWithTheFileAndTensor() throws IOException {
    TensorSource source = TensorSource.of(tensors);
    CheckpointWriter.write(
        dir, "model", source, source.names(), DType.F32, 100, WriteProgress.none());
    Path index = dir.resolve("model.safetensors.index.json");
    String text = Files.readString(index);
    Files.writeString(index, text.replace("\"e\" : \"model-00003", "\"e\" : \"model-00001"));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir, "model"))
        .hasMessageContaining("model.safetensors.index.json")
        .hasMessageContaining("'e'")
        .hasMessageContaining("does not hold it");
    Files.writeString(index, text);
    Files.delete(dir.resolve("model-00002-of-00003.safetensors"));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(dir, "model"))
        .hasMessageContaining("model-00002-of-00003.safetensors, which is missing");
    Path empty = Files.createDirectory(dir.resolve("empty"));
    assertThatThrownBy(() -> SafetensorsCheckpoint.open(empty, "model"))
        .hasMessageContaining("no model.safetensors or model.safetensors.index.json");
  }
}
