package dev.anneal.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.preset.PresetEntry;
import dev.anneal.preset.PresetLoader;
import dev.anneal.preset.estimate.ParameterCount;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal presets list|show}. */
@Command(
    name = "presets",
    description = "List and show training presets.",
    subcommands = {PresetsCommand.ListPresets.class, PresetsCommand.Show.class})
final class PresetsCommand {

  @Command(name = "list", description = "List built-in and user presets.")
  static final class ListPresets implements Runnable {
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON array.")
    boolean json;

    @Override
    public void run() {
      PrintWriter out = spec.commandLine().getOut();
      List<PresetEntry> entries = Presets.registry().list();
      if (json) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (PresetEntry e : entries) rows.add(row(e));
        out.println(Json.write(rows));
        return;
      }
      out.printf("%-32s %-10s %-7s %9s  %s%n", "NAME", "FAMILY", "KIND", "PARAMS", "DESCRIPTION");
      for (PresetEntry e : entries) {
        if (!e.isValid()) {
          out.printf(
              "%-32s %-10s %-7s %9s  %s%n", e.name(), "-", "broken", "-", e.error().getMessage());
          continue;
        }
        var p = e.preset();
        long total = ParameterCount.of(p.model(), p.lora()).total();
        out.printf(
            "%-32s %-10s %-7s %9s  %s%n",
            e.name(),
            p.model().hfModelType(),
            e.builtIn() ? "builtin" : "user",
            Format.count(total),
            p.description() == null ? "" : p.description());
      }
    }

    private static Map<String, Object> row(PresetEntry e) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", e.name());
      m.put("built_in", e.builtIn());
      m.put("location", e.location());
      if (e.isValid()) {
        m.put("description", e.preset().description());
        m.put("source", e.preset().source());
        m.put("model_type", e.preset().model().hfModelType());
        m.put("total_params", ParameterCount.of(e.preset().model(), e.preset().lora()).total());
        m.put("lora", e.preset().usesLora());
      } else {
        m.put("error", e.error().getMessage());
      }
      return m;
    }
  }

  @Command(
      name = "show",
      description = "Print a preset as YAML (its file as written, or resolved with --resolved).")
  static final class Show implements Runnable {
    @Spec CommandSpec spec;

    @Parameters(
        paramLabel = "PRESET",
        description = "A built-in or user preset name, or a preset file.")
    String preset;

    @Option(names = "--resolved", description = "Show every field with defaults filled in.")
    boolean resolved;

    @Option(names = "--json", description = "Print the resolved preset as JSON.")
    boolean json;

    @Override
    public void run() {
      var registry = Presets.registry();
      var p = registry.resolve(preset); // validates, so a broken file fails here with file:line
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        ObjectMapper m = PresetLoader.jsonMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.println(Json.write(m, p));
      } else if (resolved) {
        out.print(PresetLoader.toYaml(p));
      } else {
        out.print(registry.sourceText(preset));
      }
    }
  }
}
