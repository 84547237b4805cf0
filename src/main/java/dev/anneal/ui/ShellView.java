package dev.anneal.ui;

import javafx.geometry.Insets;
import javafx.scene.Parent;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;

/** The window's frame: navigation on the left, the open section in the middle, a status bar. */
public final class ShellView {
  private final BorderPane root = new BorderPane();

  public ShellView(ShellViewModel vm) {
    VBox nav = new VBox(4);
    nav.setId("navigation");
    nav.setPadding(new Insets(8));
    ToggleGroup group = new ToggleGroup();
    for (String name : ShellViewModel.SECTIONS) {
      ToggleButton b = new ToggleButton(name);
      b.setId("nav-" + name.toLowerCase(java.util.Locale.ROOT));
      b.setMaxWidth(Double.MAX_VALUE);
      b.setToggleGroup(group);
      b.setSelected(name.equals(vm.sectionProperty().get()));
      b.setOnAction(e -> vm.sectionProperty().set(name));
      nav.getChildren().add(b);
    }
    root.setLeft(nav);
    vm.sectionProperty().addListener((obs, old, now) -> root.setCenter(section(vm, now)));
    root.setCenter(section(vm, vm.sectionProperty().get()));

    Label status = new Label();
    status.setId("status");
    status.textProperty().bind(vm.statusProperty());
    HBox bar = new HBox(status);
    bar.setPadding(new Insets(4, 8, 4, 8));
    root.setBottom(bar);
  }

  private static Parent section(ShellViewModel vm, String name) {
    if (name.equals("Presets")) {
      ListView<String> list = new ListView<>(vm.presetNames());
      list.setId("preset-list");
      return list;
    }
    Label l = new Label(name);
    l.setId("section-title");
    l.setPadding(new Insets(16));
    return l;
  }

  public Parent root() {
    return root;
  }
}
