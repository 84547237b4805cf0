package dev.anneal.ui.preset;

import com.fasterxml.jackson.databind.JsonNode;
import dev.anneal.export.DeepSpeedExport;
import dev.anneal.io.AtomicFiles;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetEntry;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.PresetProblem;
import dev.anneal.preset.PresetRegistry;
import dev.anneal.preset.estimate.Estimate;
import dev.anneal.preset.estimate.Estimator;
import dev.anneal.task.ProgressListener;
import dev.anneal.ui.task.BackgroundTask;
import dev.anneal.ui.task.TaskExecutor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the Presets view: the list of presets, the one being edited, its problems, its live
 * estimate and how it differs from the built-in it started from. Testable without a window.
 */
public final class PresetsViewModel {
  private final PresetRegistry registry;
  private final Path saveDir;
  private final ObservableList<PresetEntry> entries = FXCollections.observableArrayList();
  private final ObjectProperty<PresetEntry> selected = new SimpleObjectProperty<>();
  private final ObjectProperty<Estimate> estimate = new SimpleObjectProperty<>();
  private final ObjectProperty<Preset> preset = new SimpleObjectProperty<>();
  private final ObservableList<PresetProblem> problems = FXCollections.observableArrayList();

  /** Fields whose editor text does not read as a number, with the message to show. */
  private final Map<String, String> unreadable = new java.util.LinkedHashMap<>();

  private final ObservableList<String> differences = FXCollections.observableArrayList();

  /** Bumped when the set of fields changes (LoRA or experts added or removed). */
  private final IntegerProperty layout = new SimpleIntegerProperty();

  private final TaskExecutor tasks;
  private final ReadOnlyBooleanWrapper exporting = new ReadOnlyBooleanWrapper();
  private final ReadOnlyStringWrapper exportMessage = new ReadOnlyStringWrapper("");
  private PresetDraft draft;
  private PresetDraft baseline;

  /**
   * @param saveDir where "Save as" writes user presets (the workspace's presets folder)
   * @param tasks runs bundle exports off the FX thread
   */
  /** The preset path of the phase list, edited as YAML text rather than in the property sheet. */
  public static final String PHASES = "training.phases";

  private static final com.fasterxml.jackson.databind.ObjectMapper PHASES_YAML =
      com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
          .disable(
              com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .build();

  public PresetsViewModel(PresetRegistry registry, Path saveDir, TaskExecutor tasks) {
    this.registry = registry;
    this.saveDir = saveDir;
    this.tasks = tasks;
    selected.addListener((obs, old, now) -> load(now));
    reload();
  }

  public void reload() {
    PresetEntry keep = selected.get();
    entries.setAll(registry.list());
    String want = keep != null ? keep.name() : "nano";
    entries.stream()
        .filter(e -> e.name().equals(want))
        .findFirst()
        .or(() -> entries.stream().findFirst())
        .ifPresent(selected::set);
  }

  private void load(PresetEntry entry) {
    if (entry == null || !entry.isValid()) {
      draft = null;
      preset.set(null);
      estimate.set(null);
      problems.setAll(
          entry == null
              ? List.of()
              : List.of(new PresetProblem(entry.error().field(), entry.error().getMessage())));
      differences.clear();
      layout.set(layout.get() + 1);
      return;
    }
    draft = new PresetDraft(entry.preset());
    unreadable.clear();
    baseline = registry.builtIn(entry.name()).map(PresetDraft::new).orElse(draft.copy());
    layout.set(layout.get() + 1);
    refresh();
  }

  public List<PresetField> fields() {
    if (draft == null) return List.of();
    return PresetFields.forPreset(draft.has("model") && draftHasMoe(), draft.has("lora"));
  }

  private boolean draftHasMoe() {
    return draft.get("model.moe.experts") != null;
  }

  public Object value(PresetField f) {
    if (draft == null) return null;
    Object v = draft.get(f.path());
    // Training runs at the model's context unless told otherwise: show that figure.
    if (v == null && f.path().equals("training.seq_len")) return draft.get("model.context");
    return v;
  }

  /** Changes one field and recomputes problems, estimate and differences. */
  public void setValue(PresetField f, Object value) {
    if (draft == null) return;
    unreadable.remove(f.path());
    draft.set(f.path(), value);
    refresh();
  }

  /**
   * A field's editor holds text that is not a number ({@code layers: abc}): the field is marked,
   * the estimate stops and Save as is off until it reads again; the draft keeps its last value.
   */
  public void setUnreadable(PresetField f, String text) {
    if (draft == null) return;
    unreadable.put(
        f.path(),
        (f.type() == Integer.class ? "a whole number" : "a number")
            + " is needed, not \""
            + text.strip()
            + "\"");
    refresh();
  }

  /** Adds LoRA on the attention projections, or removes it. */
  public void setLora(boolean on) {
    if (draft == null || on == draft.has("lora")) return;
    if (on) {
      boolean gpt2 = "gpt2".equals(draft.get("model.family"));
      LoraSpec l =
          new LoraSpec(
              16,
              32.0,
              0.05,
              gpt2 ? List.of("c_attn") : List.of("q_proj", "k_proj", "v_proj", "o_proj"),
              List.of(),
              true);
      Preset withLora = draft.toPreset().withLora(l);
      draft = new PresetDraft(withLora);
    } else {
      draft.remove("lora");
    }
    layout.set(layout.get() + 1);
    refresh();
  }

  /**
   * The preset with the speed measured by the workspace's newest run of the same model, when the
   * preset names none, so the time estimate says "measured" and means this machine.
   */
  private Preset withMeasuredSpeed(Preset p) {
    if (p.hardware().tokensPerSecond() != null || saveDir == null) return p;
    var measured = MeasuredSpeed.of(saveDir.resolveSibling("runs"), p);
    if (measured.isEmpty()) return p;
    var h = p.hardware();
    return p.withHardware(
        new dev.anneal.preset.HardwareSpec(
            h.device(),
            h.gpuModel(),
            h.count(),
            h.nodes(),
            h.memoryGb(),
            h.zeroStage(),
            h.offloadOptimizer(),
            h.offloadParams(),
            h.cpuCheckpointing(),
            h.pinMemory(),
            h.maxLiveParameters(),
            h.pricePerDeviceHour(),
            measured.getAsDouble(),
            h.mfu()));
  }

  /**
   * The preset's phases as a YAML list ({@code - {name: code, data: code, steps: 1000}}), unset
   * fields left out; empty when the preset has none.
   */
  public String phasesText() {
    JsonNode phases = draft == null ? null : draft.node(PHASES);
    if (phases == null || phases.isEmpty()) return "";
    try {
      return PHASES_YAML.writeValueAsString(withoutNulls(phases.deepCopy()));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Sets the phases from YAML text; blank removes them. Text that is not a YAML list marks {@code
   * training.phases} like any problem and keeps the last readable phases; a readable list is
   * checked by the same rules as a preset file (problems name {@code training.phases[i].field}).
   */
  public void setPhasesText(String text) {
    if (draft == null) return;
    unreadable.remove(PHASES);
    if (text == null || text.isBlank()) {
      draft.setNode(PHASES, null);
    } else {
      try {
        JsonNode list = PHASES_YAML.readTree(text);
        if (list == null || !list.isArray()) {
          unreadable.put(
              PHASES, "a YAML list of phases is needed (\"- {name: code, steps: 1000}\")");
        } else {
          draft.setNode(PHASES, list);
        }
      } catch (java.io.IOException e) {
        String first =
            e.getMessage() == null ? "unreadable" : e.getMessage().lines().findFirst().orElse("");
        unreadable.put(PHASES, "not YAML: " + first);
      }
    }
    refresh();
  }

  private static JsonNode withoutNulls(JsonNode n) {
    if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
      o.properties().removeIf(e -> e.getValue().isNull());
      o.forEach(PresetsViewModel::withoutNulls);
    } else if (n.isArray()) {
      n.forEach(PresetsViewModel::withoutNulls);
    }
    return n;
  }

  public boolean isUnreadable(PresetField f) {
    return unreadable.containsKey(f.path());
  }

  /** The field's editor reads as a number again (its old value). */
  public void setReadable(PresetField f) {
    if (unreadable.remove(f.path()) != null && draft != null) refresh();
  }

  private void refresh() {
    try {
      Preset p = draft.toPreset();
      List<PresetProblem> found = new java.util.ArrayList<>();
      unreadable.forEach((path, message) -> found.add(new PresetProblem(path, message)));
      found.addAll(PresetLoader.problems(p));
      problems.setAll(found);
      preset.set(found.isEmpty() ? p : null);
      estimate.set(found.isEmpty() ? Estimator.estimate(withMeasuredSpeed(p)) : null);
    } catch (IllegalArgumentException e) {
      problems.setAll(new PresetProblem("", e.getMessage()));
      preset.set(null);
      estimate.set(null);
    }
    Map<String, String> diff = PresetDraft.differences(baseline, draft);
    differences.setAll(
        diff.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList());
  }

  /** The first problem of a field, or null. */
  public String problemOf(PresetField f) {
    return problems.stream()
        .filter(p -> p.field().equals(f.path()))
        .map(PresetProblem::message)
        .findFirst()
        .orElse(null);
  }

  /** Whether this preset is meant for a cluster (or cannot fit one device) and needs export. */
  public boolean needsScaleOut() {
    Preset p = preset.get();
    if (p == null) return false;
    return p.hardware().totalDevices() > 1
        || p.hardware().zeroStage() > 0
        || (estimate.get() != null && !estimate.get().fits());
  }

  /**
   * Writes a DeepSpeed launch bundle of the edited preset (the scale-out path for presets that
   * cannot train in-process) into {@code folder/NAME}, with the dataset folder {@code data}, off
   * the FX thread. {@link #exportingProperty()} is set meanwhile; {@link #exportMessageProperty()}
   * says how it went once the future completes (on the FX thread).
   */
  public CompletableFuture<DeepSpeedExport.Result> exportBundle(Path data, Path folder) {
    Preset p = preset.get();
    if (p == null) {
      exportMessage.set("Export failed: fix the problems before exporting");
      return CompletableFuture.failedFuture(
          new IllegalStateException("fix the problems before exporting"));
    }
    Path out = folder.resolve(p.name());
    exporting.set(true);
    return tasks.execute(
        BackgroundTask.of(
                "preset-export",
                ctx ->
                    DeepSpeedExport.export(
                        new DeepSpeedExport.Request(p, data, out, null, null, null, List.of()),
                        ProgressListener.NONE,
                        ctx.cancellation()))
            .onSuccess(
                r ->
                    exportMessage.set(
                        "Bundle written to "
                            + out
                            + " ("
                            + r.files().size()
                            + " files). Copy it to the cluster and run ./launch.sh."))
            .onFailure(m -> exportMessage.set("Export failed: " + m))
            .onFinished(() -> exporting.set(false)));
  }

  /** A bundle export is running. */
  public ReadOnlyBooleanProperty exportingProperty() {
    return exporting.getReadOnlyProperty();
  }

  /** How the last bundle export went. */
  public ReadOnlyStringProperty exportMessageProperty() {
    return exportMessage.getReadOnlyProperty();
  }

  /** Writes the edited preset as a user preset named {@code name} and selects it. */
  public Path saveAs(String name) throws IOException {
    if (!name.matches("[a-z0-9][a-z0-9._-]*")) {
      throw new IllegalArgumentException(
          "a preset name uses lower-case letters, digits, '.', '_' or '-'");
    }
    if (preset.get() == null) throw new IllegalStateException("fix the problems before saving");
    draft.set("name", name);
    Path file = saveDir.resolve(name + ".yaml");
    AtomicFiles.writeString(file, PresetLoader.toYaml(draft.toPreset()));
    selected.set(null);
    entries.setAll(registry.list());
    entries.stream()
        .filter(e -> e.name().equals(name) && !e.builtIn())
        .findFirst()
        .ifPresent(selected::set);
    return file;
  }

  /** Throws away edits. */
  public void revert() {
    load(selected.get());
  }

  public ObservableList<PresetEntry> entries() {
    return entries;
  }

  public ObjectProperty<PresetEntry> selectedProperty() {
    return selected;
  }

  public ObjectProperty<Estimate> estimateProperty() {
    return estimate;
  }

  public ObjectProperty<Preset> presetProperty() {
    return preset;
  }

  public ObservableList<PresetProblem> problems() {
    return problems;
  }

  public ObservableList<String> differences() {
    return differences;
  }

  public IntegerProperty layoutProperty() {
    return layout;
  }
}
