package dev.anneal.export.gguf;

import dev.anneal.infer.LoadedLm;
import dev.anneal.infer.ModelLoader;
import dev.anneal.io.AtomicFiles;
import dev.anneal.model.CausalLm;
import dev.anneal.model.io.HostTensor;
import dev.anneal.preset.ModelSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a model (a run, a checkpoint or a Hugging Face folder, with an optional adapter merged in
 * first) as one GGUF file for llama.cpp and Ollama, and optionally an Ollama {@code Modelfile}
 * beside it. Both are written atomically: a failure leaves no partial file.
 */
public final class GgufExport {
  private GgufExport() {}

  /**
   * @param adapter a PEFT folder or LoRA run to merge, or null
   * @param ollama also write a Modelfile beside {@code out}
   */
  public record Request(Path model, Path adapter, Path out, GgufType type, boolean ollama) {}

  /** What was written: the architecture, tensor count, file size, and the Modelfile or null. */
  public record Result(
      Path file, String architecture, GgufType type, int tensors, long bytes, Path modelfile) {}

  public static Result export(Request r) throws IOException {
    try (LoadedLm loaded = ModelLoader.load(r.model(), r.adapter(), null)) {
      CausalLm lm = loaded.model();
      ModelSpec spec = lm.spec();
      String arch = guard(r.model(), () -> GgufArchitecture.of(spec));
      if (loaded.hasAdapter()) lm.adapters().merge();
      Map<String, HostTensor> weights = new LinkedHashMap<>();
      for (HostTensor t : lm.exportWeights()) weights.put(t.name(), t);
      List<GgufTensor> tensors =
          guard(r.model(), () -> GgufTensors.of(spec, arch, weights, r.type()));
      GgufVocab vocab = GgufVocab.read(loaded.tokenizer().file(), spec.vocab());
      GgufWriter w = new GgufWriter();
      GgufArchitecture.metadata(w, spec, arch);
      w.putString("general.name", nameOf(r.model()));
      w.putU32("general.file_type", r.type().fileType);
      w.putU32("general.quantization_version", 2);
      vocab.metadata(w);
      tensors.forEach(w::addTensor);
      long[] bytes = new long[1];
      AtomicFiles.write(r.out(), out -> bytes[0] = w.write(out));
      Path modelfile = null;
      if (r.ollama()) {
        modelfile = r.out().resolveSibling(OllamaModelfile.NAME);
        AtomicFiles.writeString(modelfile, OllamaModelfile.text(r.out(), vocab, spec.context()));
      }
      return new Result(r.out(), arch, r.type(), tensors.size(), bytes[0], modelfile);
    }
  }

  private static String nameOf(Path model) {
    Path n = model.toAbsolutePath().normalize().getFileName();
    return n == null ? "anneal" : n.toString();
  }

  private interface Step<T> {
    T get();
  }

  /** An unsupported architecture is a one-line error naming the model. */
  private static <T> T guard(Path model, Step<T> step) throws IOException {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new IOException(model + ": " + e.getMessage(), e);
    }
  }
}
