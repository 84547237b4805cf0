package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.train.TinyDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code anneal train --device}: the device named wins over the preset's, and is refused where
 * absent.
 */
class TrainDeviceCliTest {
  @TempDir Path dir;

  private Path preset(String device) throws Exception {
    Path p = dir.resolve("tiny-" + device + ".yaml");
    Files.writeString(
        p, TinyDataset.preset("tiny", "gpt2", 6).replace("device: cpu", "device: " + device));
    return p;
  }

  @Test
  void theDeviceNamedOverridesThePresetsAndTheBannerSaysIt() throws Exception {
    Path data = dir.resolve("ds");
    TinyDataset.write(data, 16, 20, 4);
    // The preset asks for CUDA; --device cpu trains on the CPU without the fallback note.
    CliTest.Result r =
        CliTest.run(
            "train",
            preset("cuda").toString(),
            "--data",
            data.toString(),
            "--out",
            dir.resolve("runs").toString(),
            "--device",
            "cpu",
            "--threads",
            "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err()).contains("device cpu()").doesNotContain("asks for CUDA");
  }

  @Test
  void aDeviceThisLibtorchLacksIsRefusedBeforeARunFolderExists() throws Exception {
    Path data = dir.resolve("ds");
    TinyDataset.write(data, 16, 20, 4);
    Path runs = dir.resolve("runs");
    String absent =
        dev.anneal.engine.EngineInfo.probe().trainingDevices().contains("cuda") ? "mps" : "cuda";
    CliTest.Result r =
        CliTest.run(
            "train",
            preset("cpu").toString(),
            "--data",
            data.toString(),
            "--out",
            runs.toString(),
            "--device",
            absent);
    assertThat(r.code()).isNotZero();
    assertThat(r.err().lines().filter(l -> l.startsWith("anneal:")).toList())
        .singleElement()
        .asString()
        .startsWith("anneal: device " + absent + ": ");
    try (Stream<Path> s = Files.isDirectory(runs) ? Files.list(runs) : Stream.empty()) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void anUnknownDeviceIsOneLine() throws Exception {
    CliTest.Result r =
        CliTest.run("train", preset("cpu").toString(), "--data", dir.toString(), "--device", "tpu");
    assertThat(r.code()).isNotZero();
    assertThat(r.err().lines().findFirst().orElse(""))
        .startsWith("anneal: --device: expected cpu, cuda or mps, got 'tpu'");
  }
}
