package dev.anneal.engine;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Which libtorch the PyTorch engine loads, as the user set it ({@code engine.json} in the data
 * folder): the CPU build inside the app (the default, works offline), DJL's CUDA build (fetched
 * once when online, then cached), or a libtorch folder already on disk.
 *
 * @param kind cpu, cuda or local
 * @param folder the local libtorch folder (the one holding {@code libtorch.so}, or its parent with
 *     {@code lib/}); null unless kind is local
 */
public record LibtorchChoice(Kind kind, Path folder) {
  public enum Kind {
    CPU,
    CUDA,
    LOCAL
  }

  public static final LibtorchChoice BUNDLED_CPU = new LibtorchChoice(Kind.CPU, null);
  public static final String FILE = "engine.json";
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public LibtorchChoice {
    if (kind == null) kind = Kind.CPU;
    if (kind == Kind.LOCAL && folder == null) {
      throw new IllegalArgumentException("a local libtorch needs its folder");
    }
    if (kind != Kind.LOCAL) folder = null;
  }

  /** The choice saved in the data folder, or the bundled CPU build when none is. */
  public static LibtorchChoice load(Path dataDir) throws IOException {
    Path file = dataDir.resolve(FILE);
    if (!Files.isRegularFile(file)) return BUNDLED_CPU;
    try {
      Stored s = JSON.readValue(file.toFile(), Stored.class);
      Kind kind = Kind.valueOf(s.libtorch().toUpperCase(java.util.Locale.ROOT));
      return new LibtorchChoice(kind, s.folder() == null ? null : Path.of(s.folder()));
    } catch (IOException | IllegalArgumentException | NullPointerException e) {
      throw new IOException(
          file
              + ": not a valid engine setting (libtorch: cpu, cuda or local"
              + " with a folder): "
              + e.getMessage(),
          e);
    }
  }

  public void save(Path dataDir) throws IOException {
    Stored s =
        new Stored(
            kind.name().toLowerCase(java.util.Locale.ROOT),
            folder == null ? null : folder.toAbsolutePath().toString());
    AtomicFiles.writeString(
        dataDir.resolve(FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(s));
  }

  /** What {@code engine.json} holds. */
  record Stored(String libtorch, String folder) {}
}
