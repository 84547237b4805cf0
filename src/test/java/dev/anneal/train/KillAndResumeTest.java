package dev.anneal.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.anneal.metrics.MetricsLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A training process killed with SIGKILL mid-run and resumed from the CLI continues the loss curve
 * of a run that was never interrupted (within 1e-5 on CPU, same thread count).
 */
class KillAndResumeTest {
  @TempDir Path dir;

  private Process anneal(Path log, String... args) throws IOException {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-Xmx1g",
                "-Danneal.home=" + dir.resolve("home"),
                "-Dai.djl.offline=true",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.anneal.Main"));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static Path onlyRun(Path runs) throws IOException {
    try (Stream<Path> s = Files.list(runs)) {
      return s.filter(Files::isDirectory).findFirst().orElseThrow();
    }
  }

  @Test
  void killedWithSigkillAndResumedMatchesTheUninterruptedCurve() throws Exception {
    Path data = TinyDataset.write(dir.resolve("data"), 16, 60, 8);
    Path preset = dir.resolve("kill.yaml");
    // Killed at about step 16: the steps after it are the margin a busy machine has to deliver
    // the kill before the run ends on its own.
    int steps = 100;
    Files.writeString(preset, TinyDataset.preset("kill", "llama", steps));
    String[] common = {"--data", data.toString(), "--threads", "1"};

    Process whole =
        anneal(
            dir.resolve("whole.log"),
            concat(
                new String[] {"train", preset.toString(), "--out", dir.resolve("whole").toString()},
                common));
    assertThat(whole.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(whole.exitValue()).as(Files.readString(dir.resolve("whole.log"))).isZero();
    Map<Long, Double> reference = TrainerTest.losses(onlyRun(dir.resolve("whole")));

    Process killed =
        anneal(
            dir.resolve("killed.log"),
            concat(
                new String[] {
                  "train", preset.toString(), "--out", dir.resolve("killed").toString()
                },
                common));
    Path metrics = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(dir.resolve("killed"))) {
        try (Stream<Path> s = Files.list(dir.resolve("killed"))) {
          metrics =
              s.map(r -> r.resolve(MetricsLog.METRICS_FILE))
                  .filter(Files::exists)
                  .findFirst()
                  .orElse(null);
        }
      }
      if (metrics != null && Files.readAllLines(metrics).size() >= 17) break;
      Thread.sleep(20);
    }
    assumeTrue(killed.isAlive(), "the run ended before the kill could reach it");
    killed.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint
    killed.waitFor(30, TimeUnit.SECONDS);
    Path run = onlyRun(dir.resolve("killed"));
    assertThat(TrainerTest.losses(run).keySet())
        .as("killed mid-run")
        .isNotEmpty()
        .allMatch(step -> step < steps);

    Process resumed =
        anneal(dir.resolve("resumed.log"), "train", "--resume", run.toString(), "--threads", "1");
    assertThat(resumed.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(resumed.exitValue()).as(Files.readString(dir.resolve("resumed.log"))).isZero();
    Map<Long, Double> curve = TrainerTest.losses(run);
    assertThat(curve.keySet()).containsAll(reference.keySet());
    for (long step : reference.keySet()) {
      assertThat(curve.get(step)).as("step " + step).isCloseTo(reference.get(step), within(1e-5));
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
