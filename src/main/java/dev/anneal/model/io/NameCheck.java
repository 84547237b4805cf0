package dev.anneal.model.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Compares tensor names and shapes with what a spec expects, as one readable sentence. */
final class NameCheck {
  private static final int SHOWN = 4;

  private NameCheck() {}

  /**
   * The differences between {@code expected} and the tensors present, or null when they match.
   *
   * @param shapeOf the shape of a present tensor
   */
  static String problems(
      Map<String, long[]> expected, Collection<String> present, Function<String, long[]> shapeOf) {
    List<String> missing = new ArrayList<>();
    for (String name : expected.keySet()) if (!present.contains(name)) missing.add(name);
    List<String> unexpected = new ArrayList<>();
    List<String> wrongShape = new ArrayList<>();
    for (String name : present) {
      long[] want = expected.get(name);
      if (want == null) {
        unexpected.add(name);
      } else if (!Arrays.equals(want, shapeOf.apply(name))) {
        wrongShape.add(
            name
                + " is "
                + Arrays.toString(shapeOf.apply(name))
                + ", expected "
                + Arrays.toString(want));
      }
    }
    List<String> parts = new ArrayList<>();
    if (!missing.isEmpty()) parts.add("missing " + list(missing));
    if (!unexpected.isEmpty()) parts.add("unexpected " + list(unexpected));
    if (!wrongShape.isEmpty()) parts.add("wrong shape: " + list(wrongShape));
    return parts.isEmpty() ? null : String.join("; ", parts);
  }

  private static String list(List<String> items) {
    String shown = String.join(", ", items.subList(0, Math.min(SHOWN, items.size())));
    return items.size() <= SHOWN ? shown : shown + " and " + (items.size() - SHOWN) + " more";
  }
}
