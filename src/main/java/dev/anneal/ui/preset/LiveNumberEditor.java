package dev.anneal.ui.preset;

import java.util.Locale;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.TextField;
import org.controlsfx.control.PropertySheet;
import org.controlsfx.property.editor.AbstractPropertyEditor;

/**
 * A number field that commits every valid keystroke, so the estimate follows the typing;
 * ControlsFX's own numeric editor commits only when focus leaves the field. Text that is not a
 * number is passed on as a {@link Unreadable} so the field is marked instead of silently keeping
 * its old value.
 */
final class LiveNumberEditor extends AbstractPropertyEditor<Object, TextField> {
  private ObjectProperty<Object> parsed;
  private boolean integer;

  LiveNumberEditor(PropertySheet.Item item, boolean integer) {
    super(item, new TextField());
    this.integer = integer;
    getEditor()
        .textProperty()
        .addListener(
            (o, a, text) -> {
              Object v = parse(text);
              if (v != null) parsed().set(v);
              else if (!text.isBlank()) parsed().set(new Unreadable(text));
            });
  }

  /** What the editor holds when its text is not a number. */
  record Unreadable(String text) {}

  private ObjectProperty<Object> parsed() {
    if (parsed == null) parsed = new SimpleObjectProperty<>();
    return parsed;
  }

  private Object parse(String text) {
    try {
      String t = text.strip().replace("_", "").replace(",", "");
      if (t.isEmpty()) return null;
      return integer ? (Object) Integer.valueOf(t) : (Object) Double.valueOf(t);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  protected ObservableValue<Object> getObservableValue() {
    return parsed();
  }

  @Override
  public void setValue(Object value) {
    if (value instanceof Unreadable) return;
    String text =
        value == null
            ? ""
            : integer
                ? String.valueOf(((Number) value).intValue())
                : format(((Number) value).doubleValue());
    if (!text.equals(getEditor().getText())) getEditor().setText(text);
  }

  private static String format(double d) {
    if (d != 0 && (Math.abs(d) < 1e-3 || Math.abs(d) >= 1e7))
      return String.format(Locale.ROOT, "%.3g", d);
    String s = String.format(Locale.ROOT, "%.6f", d).replaceAll("0+$", "");
    return s.endsWith(".") ? s + "0" : s;
  }
}
