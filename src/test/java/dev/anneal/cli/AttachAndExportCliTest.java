package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.metrics.MetricPoint;
import dev.anneal.metrics.MetricsLog;
import dev.anneal.metrics.RunEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttachAndExportCliTest {
  @TempDir Path tmp;

  @Test
  void attachOncePrintsEachPointAndEvent() throws Exception {
    try (MetricsLog log = MetricsLog.append(tmp)) {
      log.write(MetricPoint.train(10, 3.25, 3e-4, 0.5));
      log.write(MetricPoint.eval(10, 3.5));
      log.write(RunEvent.of(10, RunEvent.CHECKPOINT, "saved step 10"));
    }
    CliTest.Result text = CliTest.run("attach", "--once", tmp.toString());
    assertThat(text.code()).isZero();
    assertThat(text.out().lines().toList())
        .containsExactly(
            "step      10  loss 3.2500  lr 3.000e-04  grad 0.500",
            "step      10  val_loss 3.5000  ppl 33.115",
            "step      10  [checkpoint] saved step 10");

    CliTest.Result json = CliTest.run("attach", "--once", "--json", tmp.toString());
    List<JsonNode> lines = json.out().lines().map(AttachAndExportCliTest::parse).toList();
    assertThat(lines).hasSize(3);
    assertThat(lines.get(0).get("loss").asDouble()).isEqualTo(3.25);
    assertThat(lines.get(1).get("val_loss").asDouble()).isEqualTo(3.5);
    assertThat(lines.get(2).get("kind").asText()).isEqualTo("checkpoint");
  }

  @Test
  void attachKeepsPrintingLinesAppendedWhileAttached() throws Exception {
    StringWriter out = new StringWriter();
    Thread attached =
        Thread.ofPlatform()
            .start(
                () ->
                    Cli.run(
                        new PrintWriter(out),
                        new PrintWriter(new StringWriter()),
                        "attach",
                        "--interval",
                        "20",
                        tmp.toString()));
    try (MetricsLog log = MetricsLog.append(tmp)) {
      log.write(MetricPoint.train(1, 5.0, 1e-3, 1.0));
      waitFor(out, "step       1");
      log.write(MetricPoint.train(2, 4.0, 1e-3, 1.0));
      waitFor(out, "step       2  loss 4.0000");
    } finally {
      attached.interrupt();
      attached.join(5000);
    }
    assertThat(attached.isAlive()).isFalse();
  }

  @Test
  void attachToAMissingFolderSaysSo() {
    CliTest.Result r = CliTest.run("attach", "--once", tmp.resolve("nope").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("anneal: " + tmp.resolve("nope") + ": no such run folder");
  }

  @Test
  void exportDeepSpeedWritesTheBundleAndReportsIt() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("samples.jsonl"), "{\"text\":\"fn main() {}\"}\n");
    Path out = tmp.resolve("bundle");
    CliTest.Result r =
        CliTest.run(
            "export",
            "deepspeed",
            "kat-dev-72b-lora-resourcesaver",
            "--data",
            data.toString(),
            "--out",
            out.toString(),
            "--nodes",
            "2",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = parse(r.out());
    assertThat(j.get("zero_stage").asInt()).isEqualTo(3);
    assertThat(j.get("gpus").asInt()).isEqualTo(4);
    assertThat(j.get("nodes").asInt()).isEqualTo(2);
    assertThat(j.get("effective_batch").asInt()).isEqualTo(128);
    assertThat(j.get("files").toString()).contains("hostfile", "ds_config.json", "train.py");
    assertThat(out.resolve("ds_config.json")).exists();

    CliTest.Result text =
        CliTest.run(
            "export",
            "deepspeed",
            "kat-dev-72b-lora",
            "--data",
            data.toString(),
            "--out",
            out.toString());
    assertThat(text.out()).contains("ZeRO-2", "64 sequences per step", "anneal attach");
    assertThat(out.resolve("hostfile")).doesNotExist(); // the earlier bundle was replaced whole
  }

  @Test
  void exportWithoutDataFailsOnOneLine() {
    CliTest.Result r =
        CliTest.run(
            "export",
            "deepspeed",
            "nano",
            "--data",
            tmp.resolve("none").toString(),
            "--out",
            tmp.resolve("b").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines().findFirst().orElse(""))
        .isEqualTo("anneal: " + tmp.resolve("none") + ": no such dataset folder");
  }

  private static void waitFor(StringWriter out, String text) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (!out.toString().contains(text)) {
      if (System.nanoTime() > deadline) throw new AssertionError("no '" + text + "' in: " + out);
      Thread.sleep(10);
    }
  }

  private static JsonNode parse(String line) {
    try {
      return new ObjectMapper().readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }
}
