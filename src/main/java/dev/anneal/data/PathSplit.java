package dev.anneal.data;

import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The train/validation split by source path: a path's 64-bit hash, read as a fraction of the hash
 * range, below {@code valFraction} puts all of its samples in validation. Samples of one file never
 * straddle the split (a function would otherwise leak its file's text), and the same path lands on
 * the same side on every machine and every run. A chat sample is split on its own (its path and
 * line): the conversations of one instruction file are independent.
 */
final class PathSplit {
  private PathSplit() {}

  static double fraction(String path) {
    long h = 0xCBF29CE484222325L;
    for (int i = 0; i < path.length(); i++) h = (h ^ path.charAt(i)) * 0x100000001B3L;
    return (MinHash.mix(h) >>> 11) / (double) (1L << 53);
  }

  /** What the split hashes: the path, or for a chat sample its path and line. */
  static String key(Sample s) {
    return s.kind() == SampleKind.CHAT ? s.path() + ":" + s.startLine() : s.path();
  }

  /**
   * The validation keys (see {@link #key}). When the fraction is above 0 but no path falls under it
   * (a tiny dataset), the path with the smallest hash goes to validation, so there is always some.
   */
  static Set<String> validationPaths(List<Sample> samples, double valFraction) {
    Set<String> val = new HashSet<>();
    Set<String> paths = new HashSet<>();
    String smallest = null;
    for (Sample s : samples) {
      String key = key(s);
      if (!paths.add(key)) continue;
      double f = fraction(key);
      if (f < valFraction) val.add(key);
      if (smallest == null || f < fraction(smallest)) smallest = key;
    }
    if (valFraction > 0 && val.isEmpty() && paths.size() > 1) val.add(smallest);
    return val;
  }
}
