package dev.anneal.model.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.task.Cancellation;
import dev.anneal.task.CancelledException;
import dev.anneal.task.ProgressListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  static HostTensor random(String name, Random random, long... shape) {
    int n = (int) TensorInfo.numel(shape);
    float[] data = new float[n];
    for (int i = 0; i < n; i++) data[i] = (float) random.nextGaussian();
    return new HostTensor(name, shape, data);
  }

  @Test
  void f32RoundTripIsBitIdenticalIncludingSpecialValues() throws IOException {
    Random r = new Random(1);
    float[] data = new float[4096];
    for (int i = 0; i < data.length; i++) data[i] = Float.intBitsToFloat(r.nextInt());
    data[0] = Float.NaN;
    data[1] = -0f;
    data[2] = Float.MIN_VALUE;
    data[3] = Float.NEGATIVE_INFINITY;
    HostTensor t = new HostTensor("w", new long[] {64, 64}, data);
    Path file = dir.resolve("a.safetensors");
    SafetensorsWriter.write(file, TensorSource.of(List.of(t, random("b", r, 3))), DType.F32);
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      float[] back = f.readFloats("w");
      for (int i = 0; i < data.length; i++) {
        assertThat(Float.floatToRawIntBits(back[i]))
            .as("element %d", i)
            .isEqualTo(Float.floatToRawIntBits(data[i]));
      }
      assertThat(f.shape("w")).containsExactly(64, 64);
      assertThat(f.metadata()).containsEntry("format", "pt");
    }
  }

  @Test
  void halfPrecisionFilesHoldTheRoundedValues() throws IOException {
    HostTensor t = random("x", new Random(2), 5, 7);
    for (DType dtype : List.of(DType.F16, DType.BF16)) {
      Path file = dir.resolve(dtype + ".safetensors");
      SafetensorsWriter.write(file, TensorSource.of(List.of(t)), dtype);
      try (SafetensorsFile f = SafetensorsFile.open(file)) {
        assertThat(f.info("x").dtype()).isEqualTo(dtype);
        float[] back = f.readFloats("x");
        for (int i = 0; i < back.length; i++) {
          float want =
              dtype == DType.F16
                  ? HalfFloats.f16ToFloat(HalfFloats.floatToF16(t.data()[i]))
                  : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(t.data()[i]));
          assertThat(back[i]).isEqualTo(want);
        }
      }
    }
  }

  /** The bytes on disk, decoded here by hand: length prefix, padded JSON, little-endian data. */
  @Test
  void fileLayoutFollowsTheSafetensorsFormat() throws IOException {
    HostTensor a = new HostTensor("a", new long[] {2}, new float[] {1.5f, -2f});
    HostTensor b = new HostTensor("b", new long[] {1, 3}, new float[] {1f, 2f, 3f});
    Path file = dir.resolve("layout.safetensors");
    SafetensorsWriter.write(file, TensorSource.of(List.of(a, b)), DType.BF16);
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    long n = bytes.getLong(0);
    assertThat(n % 8).isZero();
    JsonNode header =
        new ObjectMapper().readTree(new String(bytes.array(), 8, (int) n, StandardCharsets.UTF_8));
    assertThat(header.get("a").get("dtype").asText()).isEqualTo("BF16");
    assertThat(header.get("a").get("data_offsets").toString()).isEqualTo("[0,4]");
    assertThat(header.get("b").get("shape").toString()).isEqualTo("[1,3]");
    assertThat(header.get("b").get("data_offsets").toString()).isEqualTo("[4,10]");
    int data = 8 + (int) n;
    assertThat(bytes.array().length).isEqualTo(data + 10);
    // bf16 of 1.5 is 0x3FC0, of -2 is 0xC000, of 3 is 0x4040 (sign, 8 exponent bits, 7 mantissa).
    assertThat(bytes.getShort(data) & 0xffff).isEqualTo(0x3FC0);
    assertThat(bytes.getShort(data + 2) & 0xffff).isEqualTo(0xC000);
    assertThat(bytes.getShort(data + 8) & 0xffff).isEqualTo(0x4040);
  }

  /** Odd-sized tensors put later ones at unaligned offsets; tiny windows split every tensor. */
  @Test
  void tensorsStraddlingMappingWindowsReadWhole() throws IOException {
    Random r = new Random(3);
    List<HostTensor> tensors =
        List.of(
            random("h", r, 7),
            random("f", r, 13, 3),
            random("g", r, 1),
            random("empty", r, 0, 4),
            random("big", r, 1000));
    Path f16 = dir.resolve("f16.safetensors");
    SafetensorsWriter.write(f16, TensorSource.of(tensors), DType.F16);
    Path f32 = dir.resolve("f32.safetensors");
    SafetensorsWriter.write(f32, TensorSource.of(tensors), DType.F32);
    for (long window : new long[] {8, 10, 12, 30, 4096}) {
      try (SafetensorsFile whole = SafetensorsFile.open(f16);
          SafetensorsFile windowed = SafetensorsFile.open(f16, window);
          SafetensorsFile exact = SafetensorsFile.open(f32, window)) {
        for (HostTensor t : tensors) {
          assertThat(windowed.read(t.name()))
              .as("f16 %s window %d", t.name(), window)
              .isEqualTo(whole.read(t.name()));
          assertThat(exact.read(t.name())).as("f32 %s window %d", t.name(), window).isEqualTo(t);
        }
      }
    }
  }

  @Test
  void integerTensorsAreReadable() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(8 * 2 + 4 * 3 + 8).order(ByteOrder.LITTLE_ENDIAN);
    data.putLong(-5)
        .putLong(1L << 40)
        .putInt(7)
        .putInt(-1)
        .putInt(Integer.MAX_VALUE)
        .putDouble(0.25);
    Path file =
        handMade(
            "ints",
            """
        {"__metadata__":{"format":"pt"},
         "step":{"dtype":"I64","shape":[2],"data_offsets":[0,16]},
         "ids":{"dtype":"I32","shape":[3],"data_offsets":[16,28]},
         "d":{"dtype":"F64","shape":[],"data_offsets":[28,36]}}""",
            data.array());
    try (SafetensorsFile f = SafetensorsFile.open(file, 8)) {
      assertThat(f.readLongs("step")).containsExactly(-5, 1L << 40);
      assertThat(f.readLongs("ids")).containsExactly(7, -1, Integer.MAX_VALUE);
      assertThat(f.readFloats("d")).containsExactly(0.25f);
      assertThat(f.names()).containsExactly("step", "ids", "d");
      assertThatThrownBy(() -> f.readFloats("ids"))
          .hasMessageContaining("ints.safetensors")
          .hasMessageContaining("'ids'")
          .hasMessageContaining("I32");
    }
  }

  @Test
  void corruptFilesNameTheFileAndTheTensor() throws IOException {
    Path shortFile = dir.resolve("short.safetensors");
    Files.write(
        shortFile, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
    assertThatThrownBy(() -> SafetensorsFile.open(shortFile))
        .isInstanceOf(ModelFormatException.class)
        .hasMessageContaining("short.safetensors")
        .hasMessageContaining("header length 1000 runs past the end");

    Path range =
        handMade(
            "range",
            """
        {"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""",
            new byte[12]);
    assertThatThrownBy(() -> SafetensorsFile.open(range))
        .hasMessageContaining("range.safetensors")
        .hasMessageContaining("tensor 'w'")
        .hasMessageContaining("out of range");

    Path overlap =
        handMade(
            "overlap",
            """
        {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},
         "b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""",
            new byte[12]);
    assertThatThrownBy(() -> SafetensorsFile.open(overlap))
        .hasMessageContaining("overlap.safetensors")
        .hasMessageContaining("'a'")
        .hasMessageContaining("'b'")
        .hasMessageContaining("overlap");

    Path dtype =
        handMade(
            "dtype",
            """
        {"q":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""",
            new byte[2]);
    assertThatThrownBy(() -> SafetensorsFile.open(dtype))
        .hasMessageContaining("dtype.safetensors")
        .hasMessageContaining("tensor 'q'")
        .hasMessageContaining("unknown dtype 'F8_E4M3'");

    Path size =
        handMade(
            "size",
            """
        {"s":{"dtype":"F16","shape":[3],"data_offsets":[0,4]}}""",
            new byte[4]);
    assertThatThrownBy(() -> SafetensorsFile.open(size))
        .hasMessageContaining("tensor 's'")
        .hasMessageContaining("needs 6");

    Path json = handMade("json", "{\"w\": [", new byte[0]);
    assertThatThrownBy(() -> SafetensorsFile.open(json))
        .hasMessageContaining("json.safetensors")
        .hasMessageContaining("not valid JSON");

    Path negative =
        handMade(
            "negative",
            """
        {"n":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}""",
            new byte[0]);
    assertThatThrownBy(() -> SafetensorsFile.open(negative))
        .hasMessageContaining("tensor 'n'")
        .hasMessageContaining("bad shape");
  }

  @Test
  void aFailedWriteLeavesNothingBehind() throws IOException {
    HostTensor t = random("w", new Random(4), 8);
    TensorSource lying =
        new TensorSource() {
          @Override
          public List<String> names() {
            return List.of("w");
          }

          @Override
          public long[] shape(String name) {
            return new long[] {9};
          }

          @Override
          public HostTensor read(String name) {
            return t;
          }
        };
    Path file = dir.resolve("out.safetensors");
    assertThatThrownBy(() -> SafetensorsWriter.write(file, lying, DType.F32))
        .hasMessageContaining("'w' was declared [9]");
    Cancellation cancelled = new Cancellation();
    cancelled.cancel();
    assertThatThrownBy(
            () ->
                SafetensorsWriter.write(
                    file,
                    TensorSource.of(List.of(t)),
                    List.of("w"),
                    DType.F32,
                    SafetensorsWriter.PT_METADATA,
                    new WriteProgress(ProgressListener.NONE, cancelled, 32)))
        .isInstanceOf(CancelledException.class);
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  /** A file made from raw bytes, independent of the writer. */
  private Path handMade(String name, String headerJson, byte[] data) throws IOException {
    byte[] json = headerJson.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + json.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json).put(data);
    Path file = dir.resolve(name + ".safetensors");
    Files.write(file, b.array());
    return file;
  }
}
