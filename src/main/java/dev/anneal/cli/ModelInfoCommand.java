package dev.anneal.cli;

import dev.anneal.model.io.FolderInfo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal model info DIR}: architecture, dtype, parameter count and files of a folder. */
@Command(
    name = "info",
    description = {
      "Show a Hugging Face model folder (config.json + safetensors) or a PEFT adapter folder.",
      "Family, sizes, MoE, dtype, parameters counted from the files and from the spec, shards."
    })
final class ModelInfoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "DIR", description = "The folder.")
  Path dir;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  /** Keys printed as parameter counts or byte sizes rather than raw numbers. */
  private static final List<String> COUNTS =
      List.of("params_in_files", "params_from_spec", "buffer_elements");

  @Override
  public Integer call() throws Exception {
    Map<String, Object> info = FolderInfo.inspect(dir);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(info));
      return 0;
    }
    for (Map.Entry<String, Object> e : info.entrySet()) {
      Object v = e.getValue();
      if ((v == null && !e.getKey().equals("moe")) || "".equals(v)) continue;
      String text =
          v == null
              ? "no"
              : COUNTS.contains(e.getKey())
                  ? Format.count((Long) v) + " (" + v + ")"
                  : e.getKey().equals("bytes")
                      ? Format.gb((Long) v) + " (" + v + " bytes)"
                      : e.getKey().equals("params_match")
                          ? ((Boolean) v ? "yes" : "NO: the files and the spec disagree")
                          : v instanceof Map<?, ?> m
                              ? m.toString().replaceAll("[{}]", "")
                              : v.toString();
      out.printf("%-18s %s%n", e.getKey().replace('_', ' '), text);
    }
    return 0;
  }
}
