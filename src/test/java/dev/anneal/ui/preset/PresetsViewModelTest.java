package dev.anneal.ui.preset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anneal.preset.PresetEntry;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.ui.task.AwaitableTaskExecutor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PresetsViewModelTest {
  private static PresetField field(PresetsViewModel vm, String path) {
    return vm.fields().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
  }

  private static PresetsViewModel vm(Path dir) {
    return new PresetsViewModel(
        new PresetRegistry(List.of(dir)), dir, AwaitableTaskExecutor.direct());
  }

  @Test
  void startsOnNanoWithAnEstimate(@TempDir Path dir) {
    PresetsViewModel vm = vm(dir);
    assertThat(vm.selectedProperty().get().name()).isEqualTo("nano");
    // 4 layers of 12·C² + 13·C, token and position tables, final LayerNorm (C = 256).
    long c = 256;
    long expected = 4 * (12 * c * c + 13 * c) + 4096 * c + 256 * c + 2 * c;
    assertThat(vm.estimateProperty().get().params().total()).isEqualTo(expected);
    assertThat(vm.problems()).isEmpty();
    assertThat(vm.differences()).isEmpty();
  }

  @Test
  void editingAFieldUpdatesTheEstimateAndTheDifferences(@TempDir Path dir) {
    PresetsViewModel vm = vm(dir);
    long before = vm.estimateProperty().get().params().total();
    vm.setValue(field(vm, "model.layers"), 8);
    assertThat(vm.estimateProperty().get().params().total()).isGreaterThan(before);
    assertThat(vm.differences()).containsExactly("model.layers: 4 → 8");
  }

  @Test
  void aCrossFieldProblemMarksTheFieldAndClearsTheEstimate(@TempDir Path dir) {
    PresetsViewModel vm = vm(dir);
    vm.setValue(field(vm, "model.heads"), 5);
    assertThat(vm.problemOf(field(vm, "model.heads"))).contains("5 heads do not divide hidden 256");
    assertThat(vm.estimateProperty().get()).isNull();
    assertThat(vm.presetProperty().get()).isNull();
    vm.setValue(field(vm, "model.heads"), 8);
    assertThat(vm.problems()).isEmpty();
    assertThat(vm.estimateProperty().get()).isNotNull();
  }

  @Test
  void textThatIsNotANumberMarksTheFieldLikeAnyProblem(@TempDir Path dir) {
    PresetsViewModel vm = vm(dir);
    PresetField layers = field(vm, "model.layers");
    vm.setUnreadable(layers, "abc");
    assertThat(vm.problemOf(layers)).isEqualTo("a whole number is needed, not \"abc\"");
    assertThat(vm.estimateProperty().get()).isNull();
    assertThat(vm.presetProperty().get()).isNull();
    // The draft kept its value: typing it back (or another) clears the mark.
    assertThat(vm.value(layers)).isEqualTo(4);
    vm.setReadable(layers);
    assertThat(vm.problems()).isEmpty();
    assertThat(vm.estimateProperty().get()).isNotNull();
    vm.setUnreadable(layers, "x");
    vm.setValue(layers, 6);
    assertThat(vm.problems()).isEmpty();
    assertThat(vm.presetProperty().get().model().layers()).isEqualTo(6);
  }

  @Test
  void theTimeEstimateUsesTheSpeedARunOfTheSameModelMeasured(@TempDir Path dir) throws Exception {
    Path presets = java.nio.file.Files.createDirectories(dir.resolve("presets"));
    PresetsViewModel before =
        new PresetsViewModel(
            new PresetRegistry(List.of(presets)), presets, AwaitableTaskExecutor.direct());
    assertThat(before.estimateProperty().get().measured()).isFalse();
    // A nano run that logged 7,000 tokens/s but for one warm-up step.
    var nano = new PresetRegistry(List.of()).builtIn("nano").orElseThrow();
    Path run = dir.resolve("runs/nano-20261204-101500");
    java.nio.file.Files.createDirectories(run);
    java.nio.file.Files.writeString(run.resolve("preset.yaml"), PresetLoader.toYaml(nano));
    java.nio.file.Files.writeString(
        run.resolve("run.json"), "{\"name\":\"nano-20261204-101500\",\"status\":\"completed\"}");
    StringBuilder metrics = new StringBuilder("{\"step\":1,\"loss\":5.0,\"tokens_per_s\":900.0}\n");
    for (int s = 2; s <= 20; s++)
      metrics.append("{\"step\":").append(s).append(",\"loss\":4.0,\"tokens_per_s\":7000.0}\n");
    java.nio.file.Files.writeString(run.resolve("metrics.jsonl"), metrics);
    PresetsViewModel vm =
        new PresetsViewModel(
            new PresetRegistry(List.of(presets)), presets, AwaitableTaskExecutor.direct());
    assertThat(vm.estimateProperty().get().measured()).isTrue();
    assertThat(vm.estimateProperty().get().tokensPerSecond()).isEqualTo(7000.0);
    // Another model size is other work: back to the assumed speed.
    vm.setValue(field(vm, "model.layers"), 8);
    assertThat(vm.estimateProperty().get().measured()).isFalse();
  }

  @Test
  void loraCanBeAddedAndItsFieldsAppear(@TempDir Path dir) {
    PresetsViewModel vm = vm(dir);
    assertThat(vm.fields()).noneMatch(f -> f.category().equals("LoRA"));
    vm.setLora(true);
    assertThat(vm.fields()).anyMatch(f -> f.path().equals("lora.rank"));
    assertThat(vm.estimateProperty().get().params().trainable())
        .isLessThan(vm.estimateProperty().get().params().total() / 10);
    vm.setLora(false);
    assertThat(vm.estimateProperty().get().params().trainable())
        .isEqualTo(vm.estimateProperty().get().params().total());
  }

  @Test
  void saveAsWritesAValidUserPresetAndSelectsIt(@TempDir Path dir) throws Exception {
    PresetsViewModel vm = vm(dir);
    vm.setValue(field(vm, "training.lr"), 5e-4);
    Path file = vm.saveAs("nano-fast");
    assertThat(PresetLoader.load(file).training().lr()).isEqualTo(5e-4);
    PresetEntry sel = vm.selectedProperty().get();
    assertThat(sel.name()).isEqualTo("nano-fast");
    assertThat(sel.builtIn()).isFalse();
    assertThatThrownBy(() -> vm.saveAs("Bad Name")).hasMessageContaining("lower-case");
  }

  @Test
  void clusterPresetsPointToTheExport(@TempDir Path dir) {
    PresetsViewModel vm = vm(dir);
    assertThat(vm.needsScaleOut()).isFalse();
    vm.selectedProperty()
        .set(
            vm.entries().stream()
                .filter(e -> e.name().equals("kat-dev-72b-lora"))
                .findFirst()
                .orElseThrow());
    assertThat(vm.needsScaleOut()).isTrue();
    assertThat(vm.estimateProperty().get().fits()).isFalse();
  }

  @Test
  void aClusterPresetExportsADeepSpeedBundle(@TempDir Path dir) throws Exception {
    PresetsViewModel vm = vm(dir);
    vm.selectedProperty()
        .set(
            vm.entries().stream()
                .filter(e -> e.name().equals("kat-dev-72b-lora-resourcesaver"))
                .findFirst()
                .orElseThrow());
    Path data = dir.resolve("data");
    java.nio.file.Files.createDirectories(data);
    java.nio.file.Files.writeString(
        data.resolve("samples.jsonl"),
        "{\"text\": \"pub fn a() {}\", \"kind\": \"function\", \"path\": \"a.rs\", \"language\": \"rust\", \"start_line\": 1, \"end_line\": 1}\n");
    var r =
        vm.exportBundle(data, dir.resolve("bundles"))
            .get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.files()).contains("ds_config.json", "train.py", "launch.sh");
    Path bundle = dir.resolve("bundles/kat-dev-72b-lora-resourcesaver");
    assertThat(vm.exportMessageProperty().get()).startsWith("Bundle written to " + bundle + " (");
    assertThat(vm.exportingProperty().get()).isFalse();
    var ds =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(bundle.resolve("ds_config.json").toFile());
    assertThat(ds.path("zero_optimization").path("stage").asInt()).isEqualTo(3);
  }

  @Test
  void phasesAreEditedAsYamlAndCheckedByThePresetRules(@TempDir Path dir) {
    PresetsViewModel vm = vm(dir);
    vm.selectedProperty()
        .set(vm.entries().stream().filter(e -> e.name().equals("tiny")).findFirst().orElseThrow());
    // tiny runs seed 002's two stages: language, then code.
    assertThat(vm.phasesText()).contains("name: language", "name: code").doesNotContain("null");
    assertThat(vm.presetProperty().get().training().phases()).hasSize(2);

    vm.setPhasesText("- {name: short, seq_len: 128, steps: 10}\n- {name: long, steps: 5}\n");
    assertThat(vm.problems()).isEmpty();
    var phases = vm.presetProperty().get().training().phases();
    assertThat(phases).extracting(p -> p.name()).containsExactly("short", "long");
    assertThat(phases.getFirst().seqLen()).isEqualTo(128);
    assertThat(vm.differences()).anySatisfy(d -> assertThat(d).startsWith("training.phases"));

    // A phase that breaks a rule is named by its index, as in a preset file; Save as is off.
    vm.setPhasesText("- {name: short, steps: 10, token_share: 0.5}\n");
    assertThat(vm.problems())
        .anySatisfy(p -> assertThat(p.field()).startsWith("training.phases[0]"));
    assertThat(vm.presetProperty().get()).isNull();

    // Text that is no YAML list marks the phases and keeps the last readable ones in the draft.
    vm.setPhasesText("- {name: short, steps: 10}");
    vm.setPhasesText("name: short");
    assertThat(vm.problems())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.field()).isEqualTo(PresetsViewModel.PHASES);
              assertThat(p.message()).contains("list of phases");
            });
    assertThat(vm.presetProperty().get()).isNull();
    vm.setPhasesText("- {name: [");
    assertThat(vm.problems()).anySatisfy(p -> assertThat(p.message()).startsWith("not YAML"));

    // Empty means one phase: the training section alone.
    vm.setPhasesText("  ");
    assertThat(vm.problems()).isEmpty();
    assertThat(vm.presetProperty().get().training().phases()).isEmpty();
    assertThat(vm.phasesText()).isEmpty();
  }
}
