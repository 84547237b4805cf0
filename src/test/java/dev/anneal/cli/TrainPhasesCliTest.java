package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.AppEnvironment;
import dev.anneal.train.TinyDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code anneal train} on a preset with phases: one run, phase starts on stderr, --data-phase. */
class TrainPhasesCliTest {
  @TempDir Path dir;

  private static final String PRESET =
      """
      name: two-phase
      model: {family: llama, layers: 2, hidden: 32, heads: 4, kv_heads: 2, intermediate: 64, vocab: 64, context: 32}
      training:
        steps: 8
        micro_batch: 4
        seq_len: 16
        log_every: 2
        eval_every: 4
        checkpoint_every: 4
        phases:
          - {name: language, steps: 4}
          - {name: code, steps: 3, seq_len: 32, data: code-set, lr: 1.0e-3}
      hardware: {device: cpu, memory_gb: 4}
      """;

  @Test
  void phasesTrainInOneRunAndAnnounceThemselves() throws Exception {
    AppEnvironment.configure();
    Path language = TinyDataset.write(dir.resolve("language"), 16, 40, 8);
    Path elsewhere = TinyDataset.write(dir.resolve("elsewhere"), 32, 40, 8);
    Path preset = dir.resolve("two-phase.yaml");
    Files.writeString(preset, PRESET);

    // code-set is looked for beside the main dataset, where there is none.
    CliTest.Result missing =
        CliTest.run(
            "train",
            preset.toString(),
            "--data",
            language.toString(),
            "--out",
            dir.resolve("runs-missing").toString(),
            "--threads",
            "1");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err())
        .contains(
            "anneal: phase 'code' (training.phases[1]): "
                + dir.resolve("code-set").resolve("meta.json")
                + ": missing");

    CliTest.Result typo =
        CliTest.run(
            "train",
            preset.toString(),
            "--data",
            language.toString(),
            "--data-phase",
            "cod=" + elsewhere);
    assertThat(typo.err())
        .contains("--data-phase: two-phase has no phase 'cod'; its phases: language, code");

    CliTest.Result r =
        CliTest.run(
            "train",
            preset.toString(),
            "--data",
            language.toString(),
            "--data-phase",
            "code=" + elsewhere,
            "--out",
            dir.resolve("runs").toString(),
            "--threads",
            "1");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "[phase] phase 1/2 'language' from step 0 to 4: seq_len 16",
            "[phase] phase 2/2 'code' from step 4 to 7: seq_len 32");
    assertThat(r.out()).contains("completed at step 7");
    try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
      assertThat(runs.count()).isEqualTo(1);
    }
  }
}
