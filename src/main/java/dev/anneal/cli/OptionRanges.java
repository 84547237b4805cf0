package dev.anneal.cli;

import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * The allowed range of every numeric option, by name, checked for the whole command line before a
 * command runs: {@code --steps 0} or {@code --steps -5} used to "complete" with loss NaN. Counts
 * must be 1 or more unless listed here; seeds take any value.
 */
final class OptionRanges {
  private OptionRanges() {}

  /** A closed range [min, max]; {@code openMin} makes the lower end exclusive. */
  record Range(double min, double max, boolean openMin, String says) {
    boolean holds(double v) {
      return !Double.isNaN(v) && (openMin ? v > min : v >= min) && v <= max;
    }
  }

  private static final Range COUNT = new Range(1, Double.MAX_VALUE, false, "must be 1 or more");
  private static final Range ZERO_OR_MORE =
      new Range(0, Double.MAX_VALUE, false, "must be 0 or more");
  private static final Range SHARE = new Range(0, 1, false, "must be between 0 and 1");
  private static final Range POSITIVE = new Range(0, Double.MAX_VALUE, true, "must be above 0");

  private static final Map<String, Range> RANGES =
      Map.ofEntries(
          Map.entry("--threads", new Range(0, 4096, false, "must be 0 (all cores) or more")),
          Map.entry("--warmup", ZERO_OR_MORE),
          Map.entry("--top-k", new Range(0, Double.MAX_VALUE, false, "must be 0 (off) or more")),
          Map.entry("--temperature", ZERO_OR_MORE),
          Map.entry("--repetition-penalty", POSITIVE),
          Map.entry("--top-p", new Range(0, 1, true, "must be above 0 and at most 1")),
          Map.entry("--fim-rate", SHARE),
          Map.entry("--fim-spm-rate", SHARE),
          Map.entry("--val-fraction", new Range(0, 1, false, "must be between 0 and 1")),
          Map.entry("--near-dup", POSITIVE),
          Map.entry("--gpu-mem", POSITIVE),
          Map.entry("--zero", new Range(0, 3, false, "must be 0, 1, 2 or 3")));

  /** Options whose every value is allowed. */
  private static final Set<String> ANY = Set.of("--seed");

  /** The first option out of range on the command line, as one line; null when all are fine. */
  static String problem(ParseResult parsed) {
    for (ParseResult pr = parsed; pr != null; pr = pr.subcommand()) {
      for (OptionSpec o : pr.matchedOptions()) {
        Object v = o.getValue();
        if (!(v instanceof Number n) || ANY.contains(o.longestName())) continue;
        Range r = RANGES.getOrDefault(o.longestName(), COUNT);
        if (!r.holds(n.doubleValue())) return o.longestName() + " " + r.says() + ", got " + n;
      }
    }
    return null;
  }
}
