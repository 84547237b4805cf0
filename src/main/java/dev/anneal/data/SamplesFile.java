package dev.anneal.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.sample.ChatMessage;
import dev.anneal.data.sample.ChatMessages;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.io.AtomicFiles;
import dev.anneal.task.Workers;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/** Reads and writes {@code samples.jsonl}: one JSON object per line, fields in a fixed order. */
public final class SamplesFile {
  public static final String NAME = "samples.jsonl";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = new JsonFactory();

  private SamplesFile() {}

  /** Samples a pool thread turns into JSON at a time, when writing on several threads. */
  static final int BLOCK = 2048;

  /** Writes atomically: a crash leaves the old file or the new one, never half of one. */
  public static void write(Path file, List<Sample> samples) throws IOException {
    AtomicFiles.write(file, out -> writeTo(out, samples));
  }

  /**
   * As {@link #write(Path, List)}, the same bytes, with blocks of {@value #BLOCK} samples turned
   * into JSON on {@code threads} threads while the caller writes the finished ones in order (JSON
   * of a large build's samples took most of a second on one thread).
   */
  public static void write(Path file, List<Sample> samples, int threads) throws IOException {
    if (threads <= 1 || samples.size() <= BLOCK) {
      write(file, samples);
      return;
    }
    AtomicFiles.write(file, out -> writeInBlocks(out, samples, threads));
  }

  static void writeInBlocks(OutputStream out, List<Sample> samples, int threads)
      throws IOException {
    int blocks = (samples.size() + BLOCK - 1) / BLOCK;
    List<Future<byte[]>> json = new ArrayList<>(blocks);
    ExecutorService pool = Workers.pool(threads, "anneal-write");
    try {
      for (int b = 0; b < blocks; b++) {
        // A few blocks ahead of the writer, so memory holds blocks, not the whole file.
        while (json.size() < Math.min(blocks, b + 2 * threads)) {
          int from = json.size() * BLOCK;
          json.add(pool.submit(() -> block(samples, from, Math.min(samples.size(), from + BLOCK))));
        }
        out.write(json.get(b).get());
        json.set(b, null);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("writing " + NAME + " was interrupted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) throw io;
      if (e.getCause() instanceof RuntimeException r) throw r;
      throw new IOException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** The lines of {@code samples[from, to)}, as one generator over the whole file writes them. */
  private static byte[] block(List<Sample> samples, int from, int to) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 16);
    // Jackson writes a space before every root value after the first (its root separator).
    if (from > 0) buf.write(' ');
    writeTo(buf, samples.subList(from, to));
    return buf.toByteArray();
  }

  static void writeTo(OutputStream out, List<Sample> samples) throws IOException {
    JsonGenerator g = FACTORY.createGenerator(out);
    for (Sample s : samples) {
      g.writeStartObject();
      g.writeStringField("text", s.text());
      g.writeStringField("kind", s.kind().id());
      g.writeStringField("path", s.path());
      g.writeStringField("language", s.language());
      g.writeNumberField("start_line", s.startLine());
      g.writeNumberField("end_line", s.endLine());
      if (s.messages() != null) {
        g.writeArrayFieldStart("messages");
        for (ChatMessage m : s.messages()) {
          g.writeStartObject();
          g.writeStringField("role", m.role());
          g.writeStringField("content", m.content());
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeRaw('\n');
    }
    g.flush();
  }

  /** Streams the samples of a file to {@code sink}; a bad line fails naming file and line. */
  public static void forEach(Path file, Consumer<Sample> sink) throws IOException {
    if (!Files.isRegularFile(file)) throw new IOException(file + ": no such file");
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int no = 0;
      while ((line = r.readLine()) != null) {
        no++;
        if (line.isBlank()) continue;
        sink.accept(parse(file, no, line));
      }
    }
  }

  public static List<Sample> readAll(Path file) throws IOException {
    List<Sample> out = new ArrayList<>();
    forEach(file, out::add);
    return out;
  }

  private static Sample parse(Path file, int no, String line) throws IOException {
    try {
      JsonNode n = MAPPER.readTree(line);
      JsonNode text = n.get("text");
      if (text == null || !text.isTextual()) {
        throw new IOException(file + ":" + no + ": field 'text' is missing or not a string");
      }
      SampleKind kind = SampleKind.parse(n.path("kind").asText("text"));
      List<ChatMessage> messages = null;
      if (kind == SampleKind.CHAT) {
        String bad = ChatMessages.problem(n.get("messages"));
        if (bad != null) throw new IOException(file + ":" + no + ": " + bad);
        messages = ChatMessages.of(n.get("messages"));
      }
      return new Sample(
          text.asText(),
          kind,
          n.path("path").asText(""),
          n.path("language").asText(""),
          n.path("start_line").asInt(0),
          n.path("end_line").asInt(0),
          messages);
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) throw e;
      throw new IOException(file + ":" + no + ": not a JSON object (" + firstLine(e) + ")", e);
    } catch (IllegalArgumentException e) {
      throw new IOException(file + ":" + no + ": unknown kind", e);
    }
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    return m.lines().findFirst().orElse(m);
  }
}
