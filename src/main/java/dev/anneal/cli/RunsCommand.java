package dev.anneal.cli;

import dev.anneal.metrics.Durations;
import dev.anneal.runs.PresetDiff;
import dev.anneal.runs.RunComparison;
import dev.anneal.runs.RunHistory;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal runs compare RUN...}. */
@Command(
    name = "runs",
    description = "Look at run folders: compare two or more runs.",
    subcommands = {RunsCommand.Compare.class})
final class RunsCommand {

  @Command(
      name = "compare",
      description = "Losses, learning rate, preset differences and time of two or more runs.")
  static final class Compare implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "RUN",
        arity = "2..*",
        description = "Run folders (runs/<preset>-<time>).")
    List<Path> runs;

    @Option(
        names = "--by",
        paramLabel = "step|tokens",
        description =
            "The x of the validation-loss table: step or tokens (default ${DEFAULT-VALUE}).")
    String by = "step";

    @Option(names = "--json", description = "Print one JSON object with every curve.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      if (!by.equals("step") && !by.equals("tokens")) {
        throw new IllegalArgumentException("--by: '" + by + "' is not step or tokens");
      }
      RunComparison c = RunComparison.of(runs);
      PrintWriter o = spec.commandLine().getOut();
      if (json) {
        o.println(Json.write(c.toJson()));
        return 0;
      }
      o.print(table(c, by.equals("tokens")));
      return 0;
    }

    static String table(RunComparison c, boolean byTokens) {
      StringBuilder sb = new StringBuilder();
      List<String[]> rows = new ArrayList<>();
      rows.add(
          new String[] {
            "RUN", "PRESET", "STATUS", "STEP", "BEST VAL", "FINAL LOSS", "FINAL VAL", "TIME"
          });
      for (RunHistory r : c.runs()) {
        rows.add(
            new String[] {
              r.name(),
              r.preset().name(),
              r.status(),
              r.step() + "/" + r.steps(),
              loss(r.bestValLoss()),
              loss(r.finalLoss()),
              loss(r.finalValLoss()),
              Double.isNaN(r.seconds()) ? "-" : Durations.of(r.seconds())
            });
      }
      columns(sb, rows);
      sb.append('\n');
      if (c.presetDiff().isEmpty()) {
        sb.append("presets: the same\n");
      } else {
        sb.append("presets differ in:\n");
        List<String[]> diff = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("FIELD"));
        c.runs().forEach(r -> head.add(r.name()));
        diff.add(head.toArray(String[]::new));
        for (PresetDiff.Row row : c.presetDiff()) {
          List<String> line = new ArrayList<>(List.of(row.field()));
          line.addAll(row.values());
          diff.add(line.toArray(String[]::new));
        }
        columns(sb, diff);
      }
      sb.append('\n')
          .append("validation loss by ")
          .append(byTokens ? "tokens" : "step")
          .append(":\n");
      TreeMap<Long, String[]> byX = new TreeMap<>();
      for (int i = 0; i < c.runs().size(); i++) {
        for (RunHistory.Point p : c.runs().get(i).valLoss()) {
          long x = byTokens ? p.tokens() : p.step();
          if (x < 0) continue;
          String[] line =
              byX.computeIfAbsent(
                  x,
                  k -> {
                    String[] l = new String[c.runs().size() + 1];
                    java.util.Arrays.fill(l, "-");
                    l[0] = Long.toString(k);
                    return l;
                  });
          line[i + 1] = loss(p.value());
        }
      }
      List<String[]> curve = new ArrayList<>();
      List<String> head = new ArrayList<>(List.of(byTokens ? "TOKENS" : "STEP"));
      c.runs().forEach(r -> head.add(r.name()));
      curve.add(head.toArray(String[]::new));
      curve.addAll(byX.values());
      columns(sb, curve);
      return sb.toString();
    }

    private static String loss(double v) {
      return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }

    /** Left-aligned columns two spaces apart. */
    static void columns(StringBuilder sb, List<String[]> rows) {
      int n = rows.stream().mapToInt(r -> r.length).max().orElse(0);
      int[] width = new int[n];
      for (String[] r : rows)
        for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
      for (String[] r : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < r.length; i++) {
          line.append(r[i]);
          if (i < r.length - 1) line.append(" ".repeat(width[i] - r[i].length() + 2));
        }
        sb.append(line.toString().stripTrailing()).append('\n');
      }
    }
  }
}
