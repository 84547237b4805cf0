package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anneal.data.secrets.FakeSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's rough edges: ranges, help, one-line parse errors, --secrets. */
class RoughEdgesCliTest {
  @TempDir Path tmp;

  private static void oneLineError(CliTest.Result r, String expected) {
    assertThat(r.code()).as(r.err()).isNotZero();
    assertThat(r.err().lines().findFirst().orElse("")).isEqualTo(expected);
    assertThat(r.err().lines().filter(l -> l.startsWith("anneal:")).count()).isEqualTo(1);
    assertThat(r.err()).doesNotContain("Usage:").doesNotContain("\tat ");
  }

  @Test
  void outOfRangeNumbersAreRefusedBeforeAnythingRuns() {
    oneLineError(
        CliTest.run("train", "nano", "--data", tmp.toString(), "--steps", "0"),
        "anneal: --steps must be 1 or more, got 0");
    oneLineError(
        CliTest.run("train", "nano", "--data", tmp.toString(), "--steps", "-5"),
        "anneal: --steps must be 1 or more, got -5");
    oneLineError(
        CliTest.run("train", "nano", "--data", tmp.toString(), "--threads", "-1"),
        "anneal: --threads must be 0 (all cores) or more, got -1");
    oneLineError(
        CliTest.run("dataset", "prepare", tmp.toString(), "--seq-len", "0"),
        "anneal: --seq-len must be 1 or more, got 0");
    oneLineError(
        CliTest.run("dataset", "prepare", tmp.toString(), "--seq-len", "64", "--fim-rate", "1.5"),
        "anneal: --fim-rate must be between 0 and 1, got 1.5");
    oneLineError(
        CliTest.run("generate", tmp.toString(), "--prompt", "x", "--temperature", "-1"),
        "anneal: --temperature must be 0 or more, got -1.0");
    oneLineError(
        CliTest.run("generate", tmp.toString(), "--prompt", "x", "--top-p", "0"),
        "anneal: --top-p must be above 0 and at most 1, got 0.0");
    oneLineError(
        CliTest.run("estimate", "nano", "--zero", "4"),
        "anneal: --zero must be 0, 1, 2 or 3, got 4");
    oneLineError(
        CliTest.run("sweep", "nano", "--data", tmp.toString(), "--grid", "lr=1e-3", "--steps", "0"),
        "anneal: --steps must be 1 or more, got 0");
    // Seeds take any value.
    assertThat(
            CliTest.run(
                    "dataset",
                    "prepare",
                    tmp.resolve("none").toString(),
                    "--seq-len",
                    "8",
                    "--seed",
                    "-3")
                .err())
        .doesNotContain("--seed");
  }

  @Test
  void aMistypedValueIsOneLineToo() {
    CliTest.Result r = CliTest.run("train", "nano", "--steps", "x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "anneal: Invalid value for option '--steps': 'x' is not an int (see 'anneal train --help')");
  }

  @Test
  void helpOfACommandWithRequiredOptionsIsJustHelp() {
    CliTest.Result r = CliTest.run("dataset", "prepare", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).startsWith("Usage: anneal dataset prepare").contains("--seq-len");
    assertThat(r.out() + r.err()).doesNotContain("Missing required");
  }

  @Test
  void everyCommandSummaryIsAWholeSentence() {
    String help = CliTest.run("--help").out();
    assertThat(help.replaceAll("\\s+", " "))
        .contains(
            "compare Base vs tuned: the same prompt through both, and both losses on the same data. runs ");
    assertThat(help).contains("runs ").contains("sweep ");
    // The command list shows only a description's first line: each must be a whole sentence.
    java.util.ArrayDeque<picocli.CommandLine> todo =
        new java.util.ArrayDeque<>(List.of(Cli.commandLine()));
    while (!todo.isEmpty()) {
      picocli.CommandLine c = todo.pop();
      String[] d = c.getCommandSpec().usageMessage().description();
      if (d.length > 0) assertThat(d[0]).as(c.getCommandSpec().qualifiedName()).endsWith(".");
      todo.addAll(c.getSubcommands().values());
    }
  }

  @Test
  void datasetBuildMasksSecretsByDefaultAndTakesAPolicy() throws Exception {
    Path repo = tmp.resolve("repo");
    Files.createDirectories(repo);
    Files.writeString(
        repo.resolve("app.py"),
        "def f():\n    return 1\n\nKEY = \"" + FakeSecrets.awsAccessKey() + "\"\n");
    CliTest.Result r =
        CliTest.run(
            "dataset", "build", repo.toString(), "--out", tmp.resolve("ds").toString(), "--quiet");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("secrets found: 1 in 1 files, masked {aws_access_key=1}")
        .contains("aws_access_key: app.py:4")
        .doesNotContain(FakeSecrets.awsAccessKey());
    assertThat(Files.readString(tmp.resolve("ds/samples.jsonl")))
        .doesNotContain(FakeSecrets.awsAccessKey());
    oneLineError(
        CliTest.run(
            "dataset",
            "build",
            repo.toString(),
            "--out",
            tmp.resolve("ds2").toString(),
            "--secrets",
            "hide"),
        "anneal: --secrets: 'hide' is not one of mask, drop, keep");
  }
}
