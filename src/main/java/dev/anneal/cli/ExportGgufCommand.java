package dev.anneal.cli;

import dev.anneal.export.gguf.GgufExport;
import dev.anneal.export.gguf.GgufType;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code anneal export gguf MODEL --out FILE.gguf}: one file for llama.cpp and Ollama. */
@Command(
    name = "gguf",
    description = {
      "Write a model as a GGUF file for llama.cpp and Ollama (gpt2, llama, qwen2, mixtral),"
          + " with its byte-level BPE tokenizer; an adapter is merged in first."
    })
final class ExportGgufCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "MODEL", description = "A run, a checkpoint or a Hugging Face folder.")
  Path model;

  @Option(
      names = "--adapter",
      paramLabel = "DIR",
      description = "A PEFT adapter or LoRA run to merge first.")
  Path adapter;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE.gguf",
      description = "The file to write (replaced if it exists).")
  Path out;

  @Option(
      names = "--type",
      paramLabel = "TYPE",
      defaultValue = "f16",
      description = "Storage of the matrices: f32, f16, bf16 or q8_0 (default ${DEFAULT-VALUE}).")
  String type;

  @Option(names = "--ollama", description = "Also write an Ollama Modelfile beside the file.")
  boolean ollama;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public void run() {
    GgufType t = GgufType.parse(type);
    GgufExport.Result r;
    try {
      r = GgufExport.export(new GgufExport.Request(model, adapter, out, t, ollama));
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("file", r.file().toString());
      m.put("architecture", r.architecture());
      m.put("type", r.type().label());
      m.put("tensors", r.tensors());
      m.put("bytes", r.bytes());
      m.put("modelfile", r.modelfile() == null ? null : r.modelfile().toString());
      o.println(Json.write(m));
      return;
    }
    o.printf(
        "Wrote %s: %s, %s, %d tensors, %s bytes.%n",
        r.file(), r.architecture(), r.type().label(), r.tensors(), r.bytes());
    if (r.modelfile() != null) {
      o.printf(
          "Wrote %s; create the model with: ollama create NAME -f %s%n",
          r.modelfile(), r.modelfile());
    } else {
      o.printf("Run it with: llama-cli -m %s%n", r.file());
    }
  }
}
