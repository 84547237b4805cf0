package dev.anneal.cli;

import dev.anneal.io.AtomicFiles;
import dev.anneal.model.io.CheckpointWriter;
import dev.anneal.model.io.DType;
import dev.anneal.model.io.HostTensor;
import dev.anneal.model.io.SafetensorsCheckpoint;
import dev.anneal.model.io.TensorSource;
import dev.anneal.model.io.WriteProgress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code anneal model bench-io}: how fast safetensors checkpoints are written and read here, per
 * dtype (fp32 copy vs fp16/bf16 conversion in Java), on a synthetic set of 16 MB tensors.
 */
@Command(
    name = "bench-io",
    description = "Measure safetensors write and read speed per dtype (prints figures).")
final class ModelBenchIoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--mb",
      paramLabel = "MB",
      defaultValue = "256",
      description = "fp32 megabytes of weights (default 256).")
  int megabytes;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description = "Where to write (default: a temporary folder, deleted after).")
  Path dir;

  @Override
  public Integer call() throws Exception {
    int perTensor = 4 << 20; // 4M floats = 16 MB
    int count = Math.max(1, megabytes / 16);
    Random random = new Random(1);
    List<HostTensor> tensors = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      float[] data = new float[perTensor];
      for (int j = 0; j < data.length; j++) data[j] = (float) random.nextGaussian();
      tensors.add(new HostTensor("layer." + i + ".weight", new long[] {2048, 2048}, data));
    }
    TensorSource source = TensorSource.of(tensors);
    double mb = count * 16.0;
    Path root =
        dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("anneal-bench-io");
    PrintWriter out = spec.commandLine().getOut();
    out.printf(Locale.ROOT, "%d tensors, %.0f MB as fp32, in %s%n", count, mb, root);
    out.printf("%-6s %12s %12s %12s%n", "dtype", "write MB/s", "read MB/s", "file MB");
    try {
      for (DType dtype : List.of(DType.F32, DType.BF16, DType.F16)) {
        Path folder = root.resolve(dtype.name());
        long t0 = System.nanoTime();
        CheckpointWriter.write(
            folder, "model", source, source.names(), dtype, 1L << 30, WriteProgress.none());
        long t1 = System.nanoTime();
        double sum = 0;
        long bytes;
        try (SafetensorsCheckpoint ckpt = SafetensorsCheckpoint.open(folder, "model")) {
          for (String name : ckpt.names()) sum += ckpt.read(name).data()[0];
          bytes = ckpt.totalBytes();
        }
        long t2 = System.nanoTime();
        out.printf(
            Locale.ROOT,
            "%-6s %12.0f %12.0f %12.0f%s%n",
            dtype,
            mb / ((t1 - t0) / 1e9),
            mb / ((t2 - t1) / 1e9),
            bytes / 1e6,
            Double.isNaN(sum) ? " (NaN seen)" : "");
      }
    } finally {
      if (dir == null) AtomicFiles.deleteRecursively(root);
    }
    out.println(
        "MB/s counts fp32 megabytes moved (tensor data in Java memory), reads include conversion.");
    return 0;
  }
}
