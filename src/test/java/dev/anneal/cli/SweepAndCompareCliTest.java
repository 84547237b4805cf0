package dev.anneal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.AppEnvironment;
import dev.anneal.train.TinyDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** anneal sweep, then anneal runs compare on its runs, then a resume of a completed run. */
class SweepAndCompareCliTest {
  @TempDir Path tmp;

  @Test
  void sweepRanksRunsCompareDiffsThemAndACompletedRunResumesWithItsLoss() throws Exception {
    AppEnvironment.configure();
    Path data = TinyDataset.write(tmp.resolve("data"), 16, 60, 8);
    Path preset = tmp.resolve("tiny.yaml");
    Files.writeString(preset, TinyDataset.preset("tiny", "gpt2", 40));
    Path out = tmp.resolve("sweep");

    CliTest.Result r =
        CliTest.run(
            "sweep",
            preset.toString(),
            "--data",
            data.toString(),
            "--grid",
            "lr=2e-3,1e-2",
            "--steps",
            "6",
            "--out",
            out.toString(),
            "--threads",
            "1",
            "--json");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .containsPattern(
            "sweep .*: 2 runs, about \\S+ of training \\(estimated from the preset\\)");
    assertThat(r.err().indexOf("about")).isLessThan(r.err().indexOf("[sweep] run 1/2"));
    JsonNode j = new ObjectMapper().readTree(r.out());
    assertThat(j.get("status").asText()).isEqualTo("completed");
    JsonNode runs = j.get("runs");
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).get("best_val_loss").asDouble())
        .isLessThanOrEqualTo(runs.get(1).get("best_val_loss").asDouble());
    assertThat(runs.get(0).get("settings").get("training.lr").asText()).isIn("2e-3", "1e-2");
    for (JsonNode run : runs) {
      assertThat(run.get("status").asText()).isEqualTo("completed");
      assertThat(run.get("final_loss").isNumber()).isTrue();
    }

    // Running the same sweep again finds nothing left to do and does not train.
    CliTest.Result again =
        CliTest.run(
            "sweep",
            preset.toString(),
            "--data",
            data.toString(),
            "--grid",
            "lr=2e-3,1e-2",
            "--steps",
            "6",
            "--out",
            out.toString(),
            "--json");
    assertThat(again.code()).isZero();
    assertThat(again.err()).contains("(2 done, resuming)").doesNotContain("[sweep] run");

    String a = runs.get(0).get("run").asText();
    String b = runs.get(1).get("run").asText();
    CliTest.Result cmp = CliTest.run("runs", "compare", a, b);
    assertThat(cmp.code()).as(cmp.err()).isZero();
    assertThat(cmp.out())
        .contains("presets differ in:")
        .containsPattern("training\\.lr\\s+0\\.0\\d+\\s+0\\.0\\d+")
        .contains("validation loss by step:")
        .containsPattern("\\n6\\s+\\d\\.\\d{4}\\s+\\d\\.\\d{4}");
    JsonNode cj = new ObjectMapper().readTree(CliTest.run("runs", "compare", a, b, "--json").out());
    assertThat(cj.get("runs").get(0).get("train_loss")).hasSize(6);
    assertThat(cj.get("runs").get(0).get("lr")).hasSize(6);
    assertThat(cj.get("runs").get(0).get("best_val_loss").asDouble())
        .isEqualTo(runs.get(0).get("best_val_loss").asDouble());
    assertThat(cj.get("preset_diff").get(0).get("field").asText()).isEqualTo("training.lr");
    assertThat(CliTest.run("runs", "compare", a).err()).contains("anneal:");

    // A completed run resumed trains nothing and reports the loss it logged, not NaN.
    CliTest.Result resumed = CliTest.run("train", "--resume", a, "--json");
    assertThat(resumed.code()).as(resumed.err()).isZero();
    JsonNode rj = new ObjectMapper().readTree(resumed.out());
    assertThat(rj.get("last_loss").asDouble()).isEqualTo(runs.get(0).get("final_loss").asDouble());
    assertThat(CliTest.run("train", "--resume", a).out()).doesNotContain("NaN");
  }
}
