package dev.anneal.ui.preset;

import java.util.Optional;
import javafx.beans.value.ObservableValue;
import org.controlsfx.control.PropertySheet;

/** Adapts one {@link PresetField} of the view model to ControlsFX's property sheet. */
final class PresetItem implements PropertySheet.Item {
  private final PresetField field;
  private final PresetsViewModel vm;

  PresetItem(PresetField field, PresetsViewModel vm) {
    this.field = field;
    this.vm = vm;
  }

  PresetField field() {
    return field;
  }

  @Override
  public Class<?> getType() {
    return field.type();
  }

  @Override
  public String getCategory() {
    return field.category();
  }

  @Override
  public String getName() {
    return field.name();
  }

  @Override
  public String getDescription() {
    return field.path() + " — " + field.description();
  }

  @Override
  public Object getValue() {
    Object v = vm.value(field);
    if (v == null && field.type() == Boolean.class) return false;
    // Unset numbers show as 0 (the editors cannot show "unset"); writing 0 back keeps them unset.
    if (v == null && field.type() == Integer.class) return 0;
    if (v == null && field.type() == Double.class) return 0.0;
    if (v instanceof Number n && field.type() == Double.class) return n.doubleValue();
    if (v instanceof Number n && field.type() == Integer.class) return n.intValue();
    return v;
  }

  @Override
  public void setValue(Object value) {
    if (value instanceof LiveNumberEditor.Unreadable u) {
      vm.setUnreadable(field, u.text());
      return;
    }
    Object v = value;
    if (value instanceof Number n && field.type() == Integer.class) v = n.intValue();
    if (value instanceof Number n && field.type() == Double.class) v = n.doubleValue();
    Object current = vm.value(field);
    boolean unchanged =
        java.util.Objects.equals(v, current)
            || current == null && v instanceof Number n && n.doubleValue() == 0;
    if (unchanged && vm.isUnreadable(field)) vm.setReadable(field);
    else if (!unchanged) vm.setValue(field, v);
  }

  @Override
  public Optional<ObservableValue<? extends Object>> getObservableValue() {
    return Optional.empty();
  }
}
