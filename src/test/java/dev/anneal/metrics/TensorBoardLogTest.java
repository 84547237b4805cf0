package dev.anneal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads the TensorBoard file back with the test's own TFRecord reader (a bitwise CRC32C, not the
 * JDK's) and protocol-buffer decoder, and finds every scalar and text the log was given.
 */
class TensorBoardLogTest {
  @TempDir Path tmp;

  @Test
  void everyPointAndEventIsARecordWithGoodCrcs() throws IOException {
    try (MetricsLog log = MetricsLog.append(tmp)) {
      log.write(
          new MetricPoint(
              10,
              20480L,
              null,
              3.25,
              null,
              null,
              3e-4,
              0.5,
              1234.5,
              0.31,
              3L << 30,
              1L << 29,
              List.of(List.of(0.75, 0.25), List.of(0.5, 0.5)),
              List.of(0.6, 0.69),
              null,
              null));
      log.write(MetricPoint.eval(10, 3.5));
      log.write(RunEvent.of(12, RunEvent.ROLLBACK, "loss spiked, back to step 8"));
      log.write(RunEvent.of(14, RunEvent.BAND_CROSSING, "warmup done"));
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(tmp)) {
      files = s.filter(p -> p.getFileName().toString().startsWith("events.out.tfevents.")).toList();
    }
    assertThat(files).hasSize(1);
    List<Map<Integer, List<Object>>> events = new ArrayList<>();
    for (byte[] r : records(Files.readAllBytes(files.getFirst()))) events.add(decode(r));
    assertThat(text(events.getFirst(), 3)).isEqualTo("brain.Event:2");
    assertThat(events).hasSize(5);

    Map<String, Float> scalars = new HashMap<>();
    Map<String, Long> steps = new HashMap<>();
    Map<String, String> texts = new HashMap<>();
    for (Map<Integer, List<Object>> e : events.subList(1, events.size())) {
      long step = (Long) e.get(2).getFirst();
      for (Object v : decode((byte[]) e.get(5).getFirst()).get(1)) {
        Map<Integer, List<Object>> value = decode((byte[]) v);
        String tag = text(value, 1);
        steps.put(tag, step);
        if (value.containsKey(2))
          scalars.put(tag, Float.intBitsToFloat((Integer) value.get(2).getFirst()));
        if (value.containsKey(8)) {
          Map<Integer, List<Object>> tensor = decode((byte[]) value.get(8).getFirst());
          assertThat(tensor.get(1)).containsExactly(7L); // DT_STRING
          texts.put(tag, text(tensor, 8));
          Map<Integer, List<Object>> plugin =
              decode((byte[]) decode((byte[]) value.get(9).getFirst()).get(1).getFirst());
          assertThat(text(plugin, 1)).isEqualTo("text");
        }
      }
    }
    assertThat(scalars)
        .containsEntry("train/loss", 3.25f)
        .containsEntry("train/lr", 3e-4f)
        .containsEntry("train/grad_norm", 0.5f)
        .containsEntry("perf/tokens_per_s", 1234.5f)
        .containsEntry("perf/mfu", 0.31f)
        .containsEntry("memory/device_gib", 3f)
        .containsEntry("memory/host_gib", 0.5f)
        .containsEntry("moe/layer_00/expert_00", 0.75f)
        .containsEntry("moe/layer_01/expert_01", 0.5f)
        .containsEntry("moe/layer_01/router_entropy", 0.69f)
        .containsEntry("eval/val_loss", 3.5f)
        .containsEntry("eval/perplexity", (float) Math.exp(3.5));
    assertThat(steps).containsEntry("train/loss", 10L).containsEntry("events/rollback", 12L);
    assertThat(texts)
        .containsEntry("events/rollback", "step 12: loss spiked, back to step 8")
        .containsEntry("events/band_crossing", "step 14: warmup done");
  }

  @Test
  void aFlippedByteFailsTheCrc() throws IOException {
    Path file;
    try (TensorBoardLog log = TensorBoardLog.create(tmp)) {
      log.write(MetricPoint.train(1, 2.0, 1e-3, 1.0));
      file = log.path();
    }
    byte[] bytes = Files.readAllBytes(file);
    assertThat(records(bytes)).hasSize(2);
    bytes[bytes.length - 6] ^= 1;
    assertThatThrownBy(() -> records(bytes)).hasMessageContaining("data CRC");
  }

  @Test
  void bitwiseCrc32cMatchesTheStandardCheckValue() {
    assertThat(crc32c("123456789".getBytes(StandardCharsets.US_ASCII), 0, 9)).isEqualTo(0xE3069283);
  }

  /** TFRecord framing: u64 length, masked CRC of it, data, masked CRC of the data. */
  static List<byte[]> records(byte[] file) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    List<byte[]> out = new ArrayList<>();
    while (b.hasRemaining()) {
      int at = b.position();
      long len = b.getLong();
      if (b.getInt() != masked(crc32c(file, at, 8)))
        throw new AssertionError("length CRC wrong at " + at);
      byte[] data = new byte[(int) len];
      b.get(data);
      if (b.getInt() != masked(crc32c(data, 0, data.length)))
        throw new AssertionError("data CRC wrong at " + at);
      out.add(data);
    }
    return out;
  }

  private static int masked(int crc) {
    return Integer.rotateRight(crc, 15) + 0xa282ead8;
  }

  /** CRC-32C (Castagnoli), bit by bit over the reflected polynomial. */
  static int crc32c(byte[] data, int from, int n) {
    int crc = ~0;
    for (int i = from; i < from + n; i++) {
      crc ^= data[i] & 0xff;
      for (int k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0x82F63B78 & -(crc & 1));
    }
    return ~crc;
  }

  /**
   * Field number → values: varints as Long, fixed64 as Long bits, fixed32 as Integer bits, bytes.
   */
  static Map<Integer, List<Object>> decode(byte[] msg) {
    ByteBuffer b = ByteBuffer.wrap(msg).order(ByteOrder.LITTLE_ENDIAN);
    Map<Integer, List<Object>> out = new HashMap<>();
    while (b.hasRemaining()) {
      long key = varint(b);
      Object v =
          switch ((int) (key & 7)) {
            case 0 -> varint(b);
            case 1 -> b.getLong();
            case 5 -> b.getInt();
            case 2 -> {
              byte[] d = new byte[(int) varint(b)];
              b.get(d);
              yield d;
            }
            default -> throw new AssertionError("wire type " + (key & 7));
          };
      out.computeIfAbsent((int) (key >>> 3), k -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static long varint(ByteBuffer b) {
    long v = 0;
    for (int shift = 0; ; shift += 7) {
      int x = b.get() & 0xff;
      v |= (long) (x & 0x7f) << shift;
      if (x < 0x80) return v;
    }
  }

  private static String text(Map<Integer, List<Object>> m, int field) {
    return new String((byte[]) m.get(field).getFirst(), StandardCharsets.UTF_8);
  }
}
