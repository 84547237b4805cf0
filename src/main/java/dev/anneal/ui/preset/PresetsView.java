package dev.anneal.ui.preset;

import dev.anneal.preset.PresetEntry;
import java.util.List;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Control;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextInputDialog;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.DefaultPropertyEditorFactory;
import org.controlsfx.property.editor.Editors;
import org.controlsfx.property.editor.PropertyEditor;
import org.controlsfx.validation.Severity;
import org.controlsfx.validation.ValidationResult;
import org.controlsfx.validation.ValidationSupport;

/** Presets: the list, a grouped property sheet with validation marks, and the live estimate. */
public final class PresetsView {
  private final BorderPane root = new BorderPane();
  private final PresetsViewModel vm;
  private final PropertySheet sheet = new PropertySheet();
  private final javafx.scene.control.TextArea phases = new javafx.scene.control.TextArea();

  /**
   * True while the view fills the phase text from the preset, so that is not read back as an edit.
   */
  private boolean showingPhases;

  private final ValidationSupport validation = new ValidationSupport();
  private final EstimatePanel estimatePanel = new EstimatePanel();
  private final CheckBox lora = new CheckBox("LoRA adapters");
  private final Label scaleOut = new Label();

  public PresetsView(PresetsViewModel vm) {
    this.vm = vm;
    ListView<PresetEntry> list = new ListView<>(vm.entries());
    list.setId("preset-list");
    list.setCellFactory(
        v ->
            new ListCell<>() {
              @Override
              protected void updateItem(PresetEntry e, boolean empty) {
                super.updateItem(e, empty);
                setText(
                    empty || e == null
                        ? null
                        : e.name() + (e.builtIn() ? "" : "  (yours)") + (e.isValid() ? "" : "  ⚠"));
              }
            });
    list.getSelectionModel().select(vm.selectedProperty().get());
    list.getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (o, a, b) -> {
              if (b != null) vm.selectedProperty().set(b);
            });
    vm.selectedProperty().addListener((o, a, b) -> list.getSelectionModel().select(b));

    sheet.setId("preset-sheet");
    sheet.setMode(PropertySheet.Mode.CATEGORY);
    sheet.setModeSwitcherVisible(false);
    List<String> order = List.of("Model", "LoRA", "Training", "Data", "Hardware");
    sheet.setCategoryComparator(java.util.Comparator.comparingInt(order::indexOf));
    DefaultPropertyEditorFactory defaults = new DefaultPropertyEditorFactory();
    sheet.setPropertyEditorFactory(item -> editorFor((PresetItem) item, defaults));

    Label problemsLabel = new Label();
    problemsLabel.setId("preset-problems");
    problemsLabel.getStyleClass().add("problems");
    problemsLabel.setWrapText(true);
    Label diff = new Label();
    diff.setId("preset-differences");
    diff.setWrapText(true);
    Button save = new Button("Save as…");
    save.setId("preset-save");
    save.disableProperty().bind(vm.presetProperty().isNull());
    save.setOnAction(e -> askNameAndSave());
    Button revert = new Button("Revert");
    revert.setOnAction(e -> vm.revert());
    lora.setId("preset-lora");
    lora.setOnAction(e -> vm.setLora(lora.isSelected()));
    scaleOut.setId("preset-scale-out");
    scaleOut.setWrapText(true);
    scaleOut.getStyleClass().add("scale-out");

    Button export = new Button("Export DeepSpeed bundle…");
    export.setId("preset-export");
    export.setOnAction(e -> exportBundle());
    export.disableProperty().bind(vm.exportingProperty());
    vm.estimateProperty().addListener((o, a, b) -> export.setVisible(vm.needsScaleOut()));
    export.setVisible(vm.needsScaleOut());
    HBox actions = new HBox(8, lora, save, revert, export);
    Label phasesLabel =
        new Label(
            "Phases, run in order in one run folder (YAML list: name, seq_len, "
                + "data, lr, warmup_steps, schedule, steps or token_share, rope_scaling); empty for one phase");
    phasesLabel.setWrapText(true);
    phases.setId("edit-training-phases");
    phases.getStyleClass().add("code");
    phases.setPrefRowCount(4);
    phases
        .textProperty()
        .addListener(
            (o, a, text) -> {
              if (!showingPhases) vm.setPhasesText(text);
            });
    VBox below = new VBox(6, phasesLabel, phases, problemsLabel, scaleOut, diff, actions);
    below.setPadding(new Insets(8));
    BorderPane center = new BorderPane(sheet);
    center.setBottom(below);
    VBox.setVgrow(sheet, Priority.ALWAYS);

    SplitPane split = new SplitPane(list, center, estimatePanel);
    split.setDividerPositions(0.2, 0.68);
    root.setCenter(split);

    vm.layoutProperty().addListener((o, a, b) -> rebuildItems());
    vm.estimateProperty()
        .addListener(
            (o, a, b) -> {
              estimatePanel.show(b);
              scaleOut.setText(
                  vm.needsScaleOut()
                      ? "This preset is for a cluster (several GPUs, DeepSpeed ZeRO) or too big for one device: "
                          + "Anneal trains it out of process. Export a DeepSpeed launch bundle and watch the run from Runs."
                      : "");
            });
    vm.problems()
        .addListener(
            (javafx.collections.ListChangeListener<Object>)
                c -> {
                  problemsLabel.setText(
                      vm.problems().isEmpty()
                          ? ""
                          : "⚠ "
                              + String.join(
                                  "\n⚠ ",
                                  vm.problems().stream()
                                      .map(
                                          p ->
                                              (p.field().isEmpty() ? "" : p.field() + ": ")
                                                  + p.message())
                                      .toList()));
                  validation.revalidate();
                });
    vm.differences()
        .addListener(
            (javafx.collections.ListChangeListener<Object>)
                c ->
                    diff.setText(
                        vm.differences().isEmpty()
                            ? ""
                            : "Differs from the built-in: "
                                + String.join(" · ", vm.differences())));
    rebuildItems();
    estimatePanel.show(vm.estimateProperty().get());
  }

  private void rebuildItems() {
    showingPhases = true;
    phases.setText(vm.phasesText());
    showingPhases = false;
    List<PresetItem> items = vm.fields().stream().map(f -> new PresetItem(f, vm)).toList();
    sheet.getItems().setAll(items);
    lora.setSelected(vm.fields().stream().anyMatch(f -> f.category().equals("LoRA")));
  }

  private PropertyEditor<?> editorFor(PresetItem item, DefaultPropertyEditorFactory defaults) {
    PresetField f = item.field();
    PropertyEditor<?> editor;
    if (!f.choices().isEmpty()) editor = Editors.createChoiceEditor(item, f.choices());
    else if (f.type() == Integer.class) editor = new LiveNumberEditor(item, true);
    else if (f.type() == Double.class) editor = new LiveNumberEditor(item, false);
    else editor = defaults.call(item);
    Node node = editor.getEditor();
    node.setId(f.editorId());
    if (node instanceof Control control) {
      validation.registerValidator(
          control,
          false,
          (Control c, Object value) -> {
            String problem = vm.problemOf(f);
            return ValidationResult.fromMessageIf(
                c, problem == null ? "" : problem, Severity.ERROR, problem != null);
          });
    }
    return editor;
  }

  /**
   * Asks for the dataset and the bundle folder; the ViewModel exports, then this says how it went.
   */
  private void exportBundle() {
    javafx.stage.DirectoryChooser data = new javafx.stage.DirectoryChooser();
    data.setTitle("Dataset folder for the bundle (samples.jsonl or token shards)");
    var dataDir = data.showDialog(root.getScene().getWindow());
    if (dataDir == null) return;
    javafx.stage.DirectoryChooser out = new javafx.stage.DirectoryChooser();
    out.setTitle("Folder to write the bundle into (new or empty)");
    var outDir = out.showDialog(root.getScene().getWindow());
    if (outDir == null) return;
    vm.exportBundle(dataDir.toPath(), outDir.toPath())
        .whenComplete(
            (r, e) ->
                new javafx.scene.control.Alert(
                        javafx.scene.control.Alert.AlertType.INFORMATION,
                        vm.exportMessageProperty().get())
                    .show());
  }

  private void askNameAndSave() {
    TextInputDialog d = new TextInputDialog(vm.selectedProperty().get().name() + "-mine");
    d.setHeaderText("Save as a preset of this workspace");
    d.setContentText("Name");
    d.showAndWait()
        .ifPresent(
            name -> {
              try {
                vm.saveAs(name.strip());
              } catch (Exception ex) {
                new javafx.scene.control.Alert(
                        javafx.scene.control.Alert.AlertType.ERROR, ex.getMessage())
                    .showAndWait();
              }
            });
  }

  public Parent root() {
    return root;
  }
}
