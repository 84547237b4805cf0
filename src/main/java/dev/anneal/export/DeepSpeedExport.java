package dev.anneal.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.anneal.io.AtomicFiles;
import dev.anneal.preset.Preset;
import dev.anneal.preset.PresetLoader;
import dev.anneal.task.Cancellation;
import dev.anneal.task.Progress;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a DeepSpeed launch bundle for a preset: the dataset, a Transformers + PEFT training
 * script, the DeepSpeed JSON, a launch script (and hostfile past one node), pinned requirements and
 * a README. For presets that outgrow one machine: the run goes to a cluster, and {@code anneal
 * attach} (a {@link dev.anneal.metrics.RunFollower}) charts it from its output folder.
 *
 * <p>The folder appears whole or not at all ({@link AtomicFiles#writeDirectory}); an earlier bundle
 * of that name is replaced, any other non-empty folder is refused.
 */
public final class DeepSpeedExport {
  /** The version of PEFT that train.py ran with, pinned in requirements.txt. */
  static final String PEFT_VERSION = "0.21.0";

  /**
   * What to export.
   *
   * @param preset the preset, validated
   * @param dataDir a dataset folder (samples.jsonl and/or train.bin + meta.json)
   * @param outDir the bundle folder to write
   * @param gpus GPUs per node, or null for the preset's count
   * @param nodes machines, or null for the preset's
   * @param baseModel hub id or path of the base for LoRA presets, or null for the seed's
   * @param hosts node host names for the hostfile; missing ones are placeholders
   */
  public record Request(
      Preset preset,
      Path dataDir,
      Path outDir,
      Integer gpus,
      Integer nodes,
      String baseModel,
      List<String> hosts) {
    public Request {
      hosts = hosts == null ? List.of() : List.copyOf(hosts);
    }
  }

  /**
   * What was written.
   *
   * @param files paths relative to the bundle, sorted
   * @param warnings what the bundle cannot reproduce exactly, one line each
   * @param effectiveBatch sequences per optimizer step over all GPUs
   */
  public record Result(
      Path dir,
      int gpus,
      int nodes,
      long effectiveBatch,
      int zeroStage,
      List<String> files,
      List<String> warnings) {}

  private DeepSpeedExport() {}

  public static Result export(Request r, ProgressListener listener, Cancellation cancel)
      throws IOException {
    Preset p = r.preset();
    int gpus = r.gpus() != null ? r.gpus() : p.hardware().count();
    int nodes = r.nodes() != null ? r.nodes() : p.hardware().nodes();
    if (gpus < 1) throw new IllegalArgumentException("--gpus must be at least 1, not " + gpus);
    if (nodes < 1) throw new IllegalArgumentException("--nodes must be at least 1, not " + nodes);
    if (r.hosts().size() > nodes) {
      throw new IllegalArgumentException(r.hosts().size() + " hosts given for " + nodes + " nodes");
    }
    BundleData data = BundleData.inspect(r.dataDir());
    checkReplaceable(r.outDir(), r.dataDir());
    List<String> warnings = new ArrayList<>();
    String baseModel = TrainConfig.baseModel(p, r.baseModel());
    var modelConfig = p.usesLora() ? null : HfModelConfig.of(p.model(), warnings);
    var trainConfig = TrainConfig.of(p, data, baseModel, gpus, nodes, warnings);
    var dsConfig = DeepSpeedConfig.of(p, gpus, nodes);
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    AtomicFiles.writeDirectory(
        r.outDir(),
        dir -> {
          listener.onProgress(new Progress("write bundle", 0, -1, Map.of(), -1));
          write(dir.resolve("train.py"), resource("train.py"));
          write(
              dir.resolve("requirements.txt"),
              resource("requirements.txt").replace("PEFT_VERSION", PEFT_VERSION));
          write(dir.resolve("train_config.json"), json.writeValueAsString(trainConfig) + "\n");
          write(dir.resolve("ds_config.json"), json.writeValueAsString(dsConfig) + "\n");
          write(dir.resolve("preset.yaml"), PresetLoader.toYaml(p));
          if (modelConfig != null) {
            write(dir.resolve("model/config.json"), json.writeValueAsString(modelConfig) + "\n");
          }
          String firstHost = r.hosts().isEmpty() ? "node1" : r.hosts().getFirst();
          write(
              dir.resolve("launch.sh"), LaunchFiles.launchScript(p.name(), gpus, nodes, firstHost));
          if (nodes > 1)
            write(dir.resolve("hostfile"), LaunchFiles.hostfile(gpus, nodes, r.hosts()));
          write(
              dir.resolve("README.md"), BundleReadme.of(p, data, baseModel, gpus, nodes, warnings));
          makeExecutable(dir.resolve("launch.sh"));
          makeExecutable(dir.resolve("train.py"));
          data.copyTo(dir.resolve("data"), listener, cancel);
        });
    long effective = (long) p.training().microBatch() * p.training().accumulation() * gpus * nodes;
    return new Result(
        r.outDir(),
        gpus,
        nodes,
        effective,
        p.hardware().zeroStage(),
        listFiles(r.outDir()),
        List.copyOf(warnings));
  }

  /**
   * The bundle folder replaces whatever is at {@code out}: allowed for nothing, an empty folder or
   * an earlier bundle, never for the dataset or a folder that holds other things.
   */
  private static void checkReplaceable(Path out, Path data) throws IOException {
    Path o = out.toAbsolutePath().normalize();
    if (data.toAbsolutePath().normalize().startsWith(o)) {
      throw new IllegalArgumentException(
          out + ": the bundle would replace the dataset folder " + data + "; choose another --out");
    }
    if (!Files.exists(o) || Files.isRegularFile(o.resolve("train_config.json"))) return;
    if (!Files.isDirectory(o)) throw new IllegalArgumentException(out + ": exists and is a file");
    try (Stream<Path> children = Files.list(o)) {
      if (children.findAny().isPresent()) {
        throw new IllegalArgumentException(
            out + ": exists and is not a DeepSpeed bundle;" + " choose a new or empty folder");
      }
    }
  }

  /** A file shipped in the jar next to this class (train.py, requirements.txt). */
  static String resource(String name) {
    try (InputStream in = DeepSpeedExport.class.getResourceAsStream(name)) {
      if (in == null) throw new IllegalStateException("missing resource " + name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  private static void makeExecutable(Path file) throws IOException {
    // Windows has no POSIX permissions; the launcher is run through bash there anyway.
    if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private static List<String> listFiles(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString().replace('\\', '/'))
          .sorted()
          .toList();
    }
  }
}
