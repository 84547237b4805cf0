package dev.anneal.metrics;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the lines a JSONL file gains, from where the last read stopped. Only complete lines (up to
 * a newline) are handed out: a line still being written, or torn by a crash, waits until its
 * newline arrives. Plain positional reads of the size seen now, so it works on network mounts,
 * where file-change notifications do not arrive.
 */
final class JsonlTail {
  /** A complete line and its 1-based number in the file. */
  record Line(int number, String text) {}

  private final Path file;
  private long offset;
  private int lineCount;
  private byte[] pending = new byte[0];

  JsonlTail(Path file) {
    this.file = file;
  }

  Path file() {
    return file;
  }

  /**
   * The complete lines added since the last call; empty when the file does not exist yet. A file
   * that shrank was replaced or truncated: it is read again from the start.
   */
  List<Line> readNewLines() throws IOException {
    List<Line> out = new ArrayList<>();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      if (size < offset) {
        offset = 0;
        lineCount = 0;
        pending = new byte[0];
      }
      if (size == offset) return out;
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      bytes.writeBytes(pending);
      ByteBuffer buf = ByteBuffer.allocate(1 << 16);
      long pos = offset;
      while (pos < size) {
        buf.clear();
        int n = ch.read(buf, pos);
        if (n <= 0) break;
        bytes.write(buf.array(), 0, n);
        pos += n;
      }
      offset = pos;
      byte[] all = bytes.toByteArray();
      int start = 0;
      for (int i = 0; i < all.length; i++) {
        if (all[i] != '\n') continue;
        int end = i > start && all[i - 1] == '\r' ? i - 1 : i;
        lineCount++;
        String text = new String(all, start, end - start, StandardCharsets.UTF_8);
        if (!text.isBlank()) out.add(new Line(lineCount, text));
        start = i + 1;
      }
      pending = java.util.Arrays.copyOfRange(all, start, all.length);
    } catch (NoSuchFileException e) {
      return out;
    }
    return out;
  }

  /** The bytes after the last newline: a line not finished yet, or torn by a crash. */
  String unfinished() {
    return new String(pending, StandardCharsets.UTF_8);
  }

  int lineCount() {
    return lineCount;
  }
}
