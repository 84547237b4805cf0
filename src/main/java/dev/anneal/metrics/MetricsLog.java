package dev.anneal.metrics;

import com.fasterxml.jackson.core.JacksonException;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A run folder's {@code metrics.jsonl} and {@code events.jsonl}: one JSON object per line, appended
 * and flushed line by line, so a reader (the studio, {@code anneal attach}, a mounted copy) sees
 * each step as soon as it is logged and a crash loses at most the line being written.
 *
 * <p>These files are logs, not documents: they grow in place instead of being replaced atomically.
 * A crash can leave a torn last line; readers skip it, and reopening for append cuts it off before
 * the first new line.
 *
 * <p>Each point and event also goes to a TensorBoard event file in the same folder ({@link
 * TensorBoardLog}), so {@code tensorboard --logdir runs} shows the run with nothing else to run.
 */
public final class MetricsLog implements Closeable {
  public static final String METRICS_FILE = "metrics.jsonl";
  public static final String EVENTS_FILE = "events.jsonl";

  private final FileChannel metrics;
  private final FileChannel events;
  private final TensorBoardLog tensorBoard;

  private MetricsLog(FileChannel metrics, FileChannel events, TensorBoardLog tensorBoard) {
    this.metrics = metrics;
    this.events = events;
    this.tensorBoard = tensorBoard;
  }

  /**
   * Opens (creating when missing) both files of {@code runDir} for appending, and a new TensorBoard
   * file.
   */
  public static MetricsLog append(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    FileChannel m = openForAppend(runDir.resolve(METRICS_FILE));
    FileChannel e = null;
    try {
      e = openForAppend(runDir.resolve(EVENTS_FILE));
      return new MetricsLog(m, e, TensorBoardLog.create(runDir));
    } catch (IOException ex) {
      m.close();
      if (e != null) e.close();
      throw ex;
    }
  }

  public synchronized void write(MetricPoint point) throws IOException {
    writeLine(metrics, MetricsJson.line(point));
    tensorBoard.write(point);
  }

  public synchronized void write(RunEvent event) throws IOException {
    writeLine(events, MetricsJson.line(event));
    tensorBoard.write(event);
  }

  @Override
  public synchronized void close() throws IOException {
    try (metrics;
        events;
        tensorBoard) {
      metrics.force(false);
      events.force(false);
    }
  }

  /** Every point in a metrics file; a torn last line is skipped. Missing file: empty. */
  public static List<MetricPoint> readMetrics(Path file) throws IOException {
    return readAll(file, MetricPoint.class);
  }

  /** Every event in an events file; a torn last line is skipped. Missing file: empty. */
  public static List<RunEvent> readEvents(Path file) throws IOException {
    return readAll(file, RunEvent.class);
  }

  /**
   * Parses one line of a run file.
   *
   * @throws IllegalArgumentException naming the file and line when it is not a valid object
   */
  static <T> T parse(JsonlTail.Line line, Path file, Class<T> type) {
    try {
      T value = MetricsJson.mapper().readValue(line.text(), type);
      if (value == null) throw new IllegalArgumentException(file + ":" + line.number() + ": null");
      return value;
    } catch (JacksonException | IllegalArgumentException e) {
      String why = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException(
          file
              + ":"
              + line.number()
              + ": not a valid "
              + type.getSimpleName()
              + " line: "
              + why.lines().findFirst().orElse(""),
          e);
    }
  }

  private static <T> List<T> readAll(Path file, Class<T> type) throws IOException {
    JsonlTail tail = new JsonlTail(file);
    List<T> out = new ArrayList<>();
    for (JsonlTail.Line line : tail.readNewLines()) out.add(parse(line, file, type));
    // A last line with no newline is either complete JSON whose newline never came, or torn.
    String rest = tail.unfinished();
    if (!rest.isBlank()) {
      try {
        out.add(parse(new JsonlTail.Line(tail.lineCount() + 1, rest), file, type));
      } catch (IllegalArgumentException torn) {
        // Torn by a crash mid-write: the step is lost, the rest of the file is good.
      }
    }
    return out;
  }

  private static FileChannel openForAppend(Path file) throws IOException {
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
    try {
      ch.truncate(lastCompleteLineEnd(ch));
      ch.position(ch.size());
      return ch;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  /** The size of the file up to and including its last newline. */
  private static long lastCompleteLineEnd(FileChannel ch) throws IOException {
    long size = ch.size();
    ByteBuffer one = ByteBuffer.allocate(1);
    for (long pos = size - 1; pos >= 0; pos--) {
      one.clear();
      ch.read(one, pos);
      if (one.get(0) == '\n') return pos + 1;
    }
    return 0;
  }

  private static void writeLine(FileChannel ch, String json) throws IOException {
    // One write call per line: other processes never see half of a line followed by another.
    ByteBuffer bytes = ByteBuffer.wrap((json + "\n").getBytes(StandardCharsets.UTF_8));
    while (bytes.hasRemaining()) ch.write(bytes);
  }
}
