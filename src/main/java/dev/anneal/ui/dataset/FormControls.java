package dev.anneal.ui.dataset;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;

/**
 * Spinners kept in step with a view model's number property both ways. Listeners rather than {@code
 * asObject()} bidirectional bindings: those hold the wrapper weakly, and a collected wrapper
 * silently unlinks the spinner.
 */
final class FormControls {
  private FormControls() {}

  static Spinner<Integer> intSpinner(String id, IntegerProperty p, int min, int max, int step) {
    Spinner<Integer> s =
        new Spinner<>(new SpinnerValueFactory.IntegerSpinnerValueFactory(min, max, p.get(), step));
    s.setEditable(true);
    s.setId(id);
    s.valueProperty()
        .addListener(
            (o, a, v) -> {
              if (v != null) p.set(v);
            });
    p.addListener((o, a, v) -> s.getValueFactory().setValue(v.intValue()));
    return s;
  }

  static Spinner<Double> doubleSpinner(
      String id, DoubleProperty p, double min, double max, double step) {
    Spinner<Double> s =
        new Spinner<>(new SpinnerValueFactory.DoubleSpinnerValueFactory(min, max, p.get(), step));
    s.setEditable(true);
    s.setId(id);
    s.valueProperty()
        .addListener(
            (o, a, v) -> {
              if (v != null) p.set(v);
            });
    p.addListener((o, a, v) -> s.getValueFactory().setValue(v.doubleValue()));
    return s;
  }
}
