package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchTrainCommandTest {
  private static Path preset(Path dir) throws Exception {
    Path preset = dir.resolve("tiny.yaml");
    Files.writeString(
        preset,
        """
        name: tiny
        model: {family: gpt2, layers: 1, hidden: 16, heads: 2, vocab: 40, context: 16}
        training: {steps: 1, micro_batch: 2, seq_len: 8}
        """);
    return preset;
  }

  @Test
  void timesTheTrainersStepAndReportsDeviceMfuAndPeakMemory(@TempDir Path dir) throws Exception {
    CliTest.Result r =
        CliTest.run(
            "bench",
            "train",
            "--preset",
            preset(dir).toString(),
            "--device",
            "cpu",
            "--steps",
            "2",
            "--warmup",
            "1",
            "--no-java-share",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("device").asText()).isEqualTo("cpu()");
    assertThat(j.get("tokens_per_s").asDouble()).isPositive();
    assertThat(j.get("step_ms").asDouble()).isPositive();
    // A fraction of a peak measured on this CPU: a tiny model uses very little of it.
    assertThat(j.get("mfu").asDouble()).isBetween(0.0, 1.0);
    assertThat(j.get("mfu_peak").asText()).startsWith("measured matmul");
    assertThat(j.get("peak_device_memory_bytes").asLong()).isPositive();
    // Counted over the measured steps on Linux; a figure, not null, and never negative.
    if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/stat"))) {
      assertThat(j.get("page_faults_per_step").isNumber()).as(r.out()).isTrue();
      assertThat(j.get("page_faults_per_step").asLong()).isNotNegative();
    }
  }

  @Test
  void comparesPlainAndCheckpointedStepsInOneRun(@TempDir Path dir) throws Exception {
    CliTest.Result r =
        CliTest.run(
            "bench",
            "train",
            "--activation-checkpointing",
            "--preset",
            preset(dir).toString(),
            "--device",
            "cpu",
            "--steps",
            "2",
            "--warmup",
            "1",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = new ObjectMapper().readTree(r.out());
    for (String run : new String[] {"plain", "checkpointed"}) {
      assertThat(j.at("/" + run + "/tokens_per_s").asDouble()).as(run).isPositive();
      assertThat(j.at("/" + run + "/peak_memory_bytes").asLong())
          .as(run)
          .isGreaterThanOrEqualTo(j.at("/" + run + "/between_steps_bytes").asLong());
      assertThat(j.at("/" + run + "/estimated_activation_bytes").asDouble()).as(run).isPositive();
    }
    assertThat(j.get("step_time_ratio").asDouble()).isPositive();
    assertThat(j.get("peak_memory_ratio").asDouble()).isPositive();
  }

  @Test
  void anUnknownDeviceIsOneLine(@TempDir Path dir) throws Exception {
    CliTest.Result r =
        CliTest.run("bench", "train", "--preset", preset(dir).toString(), "--device", "tpu");
    assertThat(r.code()).isNotZero();
    assertThat(r.err().lines().findFirst().orElse(""))
        .contains("--device: expected cpu, cuda or mps, got 'tpu'");
  }

  @Test
  void cudaWhereLibtorchHasNoGpuIsRefusedInOneLine(@TempDir Path dir) throws Exception {
    CliTest.Result r =
        CliTest.run("bench", "train", "--preset", preset(dir).toString(), "--device", "cuda");
    assertThat(r.code()).isNotZero();
    assertThat(r.err().lines().filter(l -> l.startsWith("anneal:")).toList())
        .singleElement()
        .asString()
        .contains("--device cuda: the preset asks for CUDA but libtorch sees no GPU");
  }
}
