package dev.anneal.data;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The train/validation split by source path: a path's 64-bit hash, read as a fraction of the
 * hash range, below {@code valFraction} puts all of its samples in validation. Samples of one
 * file never straddle the split (a function would otherwise leak its file's text), and the
 * same path lands on the same side on every machine and every run.
 */
final class PathSplit {
  private PathSplit() {}

  static double fraction(String path) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < path.length(); i++) h = (h ^ path.charAt(i)) * 0x100000001B3L;
    return (MinHash.mix(h) >>> 11) / (double) (1L << 53);
  }

  /**
   * The validation paths. When the fraction is above 0 but no path falls under it (a tiny
   * dataset), the path with the smallest hash goes to validation, so there is always some.
   */
  static Set<String> validationPaths(List<Sample> samples, double valFraction) {
    Set<String> val = new HashSet<>();
    Set<String> paths = new HashSet<>();
    String smallest = null;
    for (Sample s : samples) {
      if (!paths.add(s.path())) continue;
      double f = fraction(s.path());
      if (f < valFraction) val.add(s.path());
      if (smallest == null || f < fraction(smallest)) smallest = s.path();
    }
    if (valFraction > 0 && val.isEmpty() && paths.size() > 1) val.add(smallest);
    return val;
  }
}
