package dev.anneal.metrics;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * A TensorBoard event file in a run folder ({@code events.out.tfevents.TIME.HOST.PID}), so {@code
 * tensorboard --logdir runs} draws the same curves as the studio. The file is a TFRecord stream
 * (per record: length u64, masked CRC32C of the length, the bytes, masked CRC32C of the bytes,
 * little-endian) of {@code Event} protocol buffers: a version record first, then one scalar summary
 * per measured value and one text summary per run event. Each open starts a new file, as
 * TensorBoard expects of a resumed run.
 */
public final class TensorBoardLog implements Closeable {
  public static final String PREFIX = "events.out.tfevents.";
  private static final int MASK_DELTA = 0xa282ead8;
  private static final double GIB = 1024.0 * 1024 * 1024;

  private final FileChannel file;
  private final Path path;

  private TensorBoardLog(FileChannel file, Path path) {
    this.file = file;
    this.path = path;
  }

  /** Creates a new event file in {@code runDir} and writes its version record. */
  public static TensorBoardLog create(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    long seconds = System.currentTimeMillis() / 1000;
    String name = PREFIX + seconds + "." + host() + "." + ProcessHandle.current().pid();
    Path p = runDir.resolve(name);
    for (int i = 1; Files.exists(p); i++) p = runDir.resolve(name + "." + i);
    FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    TensorBoardLog log = new TensorBoardLog(ch, p);
    log.record(new ProtoBytes().fixed64(1, now()).string(3, "brain.Event:2"));
    return log;
  }

  public Path path() {
    return path;
  }

  /**
   * The point's measured values as scalars at its step; MoE load as one scalar per layer and
   * expert.
   */
  public synchronized void write(MetricPoint p) throws IOException {
    ProtoBytes summary = new ProtoBytes();
    scalar(summary, "train/loss", p.loss());
    scalar(summary, "eval/val_loss", p.valLoss());
    scalar(summary, "eval/perplexity", p.ppl());
    scalar(summary, "train/lr", p.lr());
    scalar(summary, "train/grad_norm", p.gradNorm());
    scalar(summary, "perf/tokens_per_s", p.tokensPerS());
    scalar(summary, "perf/mfu", p.mfu());
    scalar(
        summary, "memory/device_gib", p.deviceMemBytes() == null ? null : p.deviceMemBytes() / GIB);
    scalar(summary, "memory/host_gib", p.hostMemBytes() == null ? null : p.hostMemBytes() / GIB);
    List<List<Double>> load = p.expertLoad();
    if (load != null) {
      for (int l = 0; l < load.size(); l++) {
        for (int e = 0; e < load.get(l).size(); e++) {
          scalar(
              summary,
              String.format(Locale.ROOT, "moe/layer_%02d/expert_%02d", l, e),
              load.get(l).get(e));
        }
      }
    }
    List<Double> entropy = p.routerEntropy();
    if (entropy != null) {
      for (int l = 0; l < entropy.size(); l++) {
        scalar(
            summary,
            String.format(Locale.ROOT, "moe/layer_%02d/router_entropy", l),
            entropy.get(l));
      }
    }
    byte[] values = summary.toByteArray();
    if (values.length > 0)
      record(new ProtoBytes().fixed64(1, now()).varint(2, p.step()).bytes(5, values));
  }

  /** A run event (phase crossing, rollback, checkpoint ...) as text under {@code events/KIND}. */
  public synchronized void write(RunEvent e) throws IOException {
    ProtoBytes plugin = new ProtoBytes().string(1, "text");
    ProtoBytes metadata = new ProtoBytes().message(1, plugin);
    // TensorProto: dtype DT_STRING (7), a scalar shape (empty), one string value.
    ProtoBytes tensor =
        new ProtoBytes()
            .varint(1, 7)
            .bytes(2, new byte[0])
            .string(8, "step " + e.step() + ": " + e.message());
    ProtoBytes value =
        new ProtoBytes().string(1, "events/" + e.kind()).message(9, metadata).message(8, tensor);
    double wall = e.time() == null ? now() : e.time().toEpochMilli() / 1000.0;
    record(
        new ProtoBytes()
            .fixed64(1, wall)
            .varint(2, e.step())
            .message(5, new ProtoBytes().message(1, value)));
  }

  @Override
  public synchronized void close() throws IOException {
    try (file) {
      file.force(false);
    }
  }

  private static void scalar(ProtoBytes summary, String tag, Double v) {
    if (v == null || !Double.isFinite(v)) return;
    summary.message(1, new ProtoBytes().string(1, tag).fixed32(2, v.floatValue()));
  }

  /** One TFRecord, written in one call so a reader never sees half of it followed by another. */
  private void record(ProtoBytes event) throws IOException {
    byte[] data = event.toByteArray();
    ByteBuffer b = ByteBuffer.allocate(8 + 4 + data.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(data.length);
    b.putInt(maskedCrc(b.array(), 0, 8));
    b.put(data);
    b.putInt(maskedCrc(data, 0, data.length));
    b.flip();
    while (b.hasRemaining()) file.write(b);
  }

  /** CRC32C rotated and offset, as TFRecord stores it (a CRC of data holding CRCs stays useful). */
  static int maskedCrc(byte[] bytes, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(bytes, from, length);
    int c = (int) crc.getValue();
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  private static double now() {
    return System.currentTimeMillis() / 1000.0;
  }

  /** The host name from the environment (no network lookup, which can stall on a bad resolver). */
  private static String host() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) h = System.getenv("COMPUTERNAME");
    return h == null || h.isBlank() ? "localhost" : h.replaceAll("[^A-Za-z0-9.-]", "_");
  }
}
