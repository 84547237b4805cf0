package dev.anneal.ui;

import dev.anneal.AppEnvironment;
import dev.anneal.preset.PresetEntry;
import dev.anneal.preset.PresetRegistry;
import java.util.List;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * State of the studio's shell: which section is open and what the status bar says. Sections are
 * filled in by their own features; until then each names what it will hold.
 */
public final class ShellViewModel {
  /** The sections of the navigation, in order. */
  public static final List<String> SECTIONS = List.of("Datasets", "Presets", "Train", "Compare", "Runs");

  private final StringProperty section = new SimpleStringProperty(SECTIONS.getFirst());
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper();
  private final ObservableList<String> presetNames = FXCollections.observableArrayList();

  public ShellViewModel() {
    List<PresetEntry> entries =
        new PresetRegistry(List.of(AppEnvironment.userPresetsDir())).list();
    presetNames.setAll(entries.stream().map(PresetEntry::name).toList());
    status.set("Data folder " + AppEnvironment.dataDir() + " · " + entries.size() + " presets");
  }

  public StringProperty sectionProperty() {
    return section;
  }

  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  public ObservableList<String> presetNames() {
    return presetNames;
  }
}
