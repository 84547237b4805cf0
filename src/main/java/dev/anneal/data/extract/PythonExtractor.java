package dev.anneal.data.extract;

import dev.anneal.data.sample.SampleKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds Python functions ({@code def}, {@code async def}) and classes, methods included, with their
 * decorators and the comment lines directly above. A block ends at the next logical line indented
 * no deeper than its header; lines inside triple-quoted strings, bracketed continuations and
 * backslash continuations never end a block.
 */
final class PythonExtractor {
  private final String s;
  private final List<Line> lines = new ArrayList<>();
  private final List<Item> items = new ArrayList<>();

  /** A logical line's start: offset, indentation; {@code code} false for blank/comment lines. */
  private record Line(int start, int end, int indent, boolean code, boolean logicalStart) {}

  private PythonExtractor(String s) {
    this.s = s;
  }

  static List<Item> extract(String text) {
    PythonExtractor x = new PythonExtractor(text);
    x.scanLines();
    x.block(0, x.lines.size(), -1, true);
    return x.items;
  }

  /** Marks which physical lines start a logical line, tracking strings and brackets. */
  private void scanLines() {
    int n = s.length();
    int depth = 0;
    char quote = 0;
    boolean triple = false;
    boolean continued = false;
    int i = 0;
    while (i < n) {
      int lineEnd = s.indexOf('\n', i);
      lineEnd = lineEnd < 0 ? n : lineEnd;
      boolean logicalStart = quote == 0 && depth == 0 && !continued;
      int indent = 0;
      int p = i;
      while (p < lineEnd && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) {
        indent += s.charAt(p) == '\t' ? 8 - indent % 8 : 1;
        p++;
      }
      boolean code = p < lineEnd && s.charAt(p) != '#' && s.charAt(p) != '\r';
      continued = false;
      for (int j = i; j < lineEnd; j++) {
        char c = s.charAt(j);
        if (quote != 0) {
          if (c == '\\') {
            j++;
          } else if (c == quote && (!triple || s.startsWith(String.valueOf(c).repeat(3), j))) {
            if (triple) j += 2;
            quote = 0;
          }
        } else if (c == '#') {
          break;
        } else if (c == '"' || c == '\'') {
          quote = c;
          triple = s.startsWith(String.valueOf(c).repeat(3), j);
          if (triple) j += 2;
        } else if (c == '(' || c == '[' || c == '{') {
          depth++;
        } else if (c == ')' || c == ']' || c == '}') {
          depth = Math.max(0, depth - 1);
        } else if (c == '\\' && j == lineEnd - 1
            || c == '\\' && j == lineEnd - 2 && s.charAt(lineEnd - 1) == '\r') {
          continued = true;
        }
      }
      if (quote != 0 && !triple) quote = 0; // an unclosed one-line string ends with its line
      lines.add(new Line(i, lineEnd, indent, code, logicalStart));
      i = lineEnd + 1;
    }
  }

  /**
   * Finds items among lines {@code [from, to)} whose headers are indented more than {@code parent}.
   */
  private void block(int from, int to, int parentIndent, boolean top) {
    int k = from;
    while (k < to) {
      Line l = lines.get(k);
      if (!l.logicalStart || !l.code || l.indent <= parentIndent) {
        k++;
        continue;
      }
      int header = k;
      while (header < to && lines.get(header).logicalStart && isDecorator(lines.get(header))) {
        header = nextCode(header + 1, to);
      }
      SampleKind kind = header < to ? kindOf(lines.get(header)) : null;
      if (kind == null) {
        k = Math.max(k + 1, header);
        continue;
      }
      int indent = lines.get(header).indent;
      int end = header + 1;
      int lastCode = header;
      while (end < to) {
        Line e = lines.get(end);
        if (e.logicalStart && e.code && e.indent <= indent) break;
        if (e.code || !e.logicalStart) lastCode = end;
        end++;
      }
      int first = k;
      while (first - 1 >= from
          && isCommentLine(lines.get(first - 1))
          && lines.get(first - 1).indent == lines.get(k).indent) {
        first--;
      }
      items.add(new Item(kind, lines.get(first).start, lines.get(lastCode).end, top));
      if (kind == SampleKind.STRUCT) block(header + 1, lastCode + 1, indent, false);
      k = lastCode + 1;
    }
  }

  private int nextCode(int k, int to) {
    while (k < to && !(lines.get(k).code && lines.get(k).logicalStart)) k++;
    return k;
  }

  private boolean isDecorator(Line l) {
    return s.charAt(l.start + indentChars(l)) == '@';
  }

  private boolean isCommentLine(Line l) {
    int p = l.start + indentChars(l);
    return l.logicalStart && p < l.end && s.charAt(p) == '#';
  }

  private int indentChars(Line l) {
    int p = l.start;
    while (p < l.end && (s.charAt(p) == ' ' || s.charAt(p) == '\t')) p++;
    return p - l.start;
  }

  private SampleKind kindOf(Line l) {
    int p = l.start + indentChars(l);
    if (s.startsWith("async ", p)) p += 6;
    while (p < l.end && s.charAt(p) == ' ') p++;
    if (s.startsWith("def ", p)) return SampleKind.FUNCTION;
    if (s.startsWith("class ", p)) return SampleKind.STRUCT;
    return null;
  }
}
