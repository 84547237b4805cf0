package dev.anneal.data.extract;

import dev.anneal.data.sample.SampleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds shell functions ({@code name() { ... }}, {@code function name { ... }}) with the comment
 * lines directly above. The closing brace is found by a scan that steps over quotes, comments,
 * {@code $(...)} and here-documents, so a brace in a string or here-doc does not end the body.
 */
final class ShellExtractor {
  private static final Pattern HEADER =
      Pattern.compile(
          "(?m)^[ \\t]*(?:function[ \\t]+[A-Za-z_][\\w.:-]*[ \\t]*(?:\\(\\s*\\))?|[A-Za-z_][\\w.:-]*[ \\t]*\\(\\s*\\))\\s*\\{");
  private static final Pattern HEREDOC = Pattern.compile("<<-?[ \\t]*(['\"]?)([A-Za-z_][\\w]*)\\1");

  private ShellExtractor() {}

  static List<Item> extract(String s) {
    List<Item> items = new ArrayList<>();
    Matcher m = HEADER.matcher(s);
    int from = 0;
    while (from < s.length() && m.find(from)) {
      int open = m.end() - 1;
      int close = closingBrace(s, open + 1);
      if (close < 0) break;
      int start = m.start();
      if (start > 0 && s.charAt(start) == '\n') start++;
      items.add(new Item(SampleKind.FUNCTION, withComments(s, start), close + 1, true));
      from = close + 1;
    }
    return items;
  }

  /** Offset of the '}' that closes a body opened just before {@code from}, or -1. */
  static int closingBrace(String s, int from) {
    int n = s.length();
    int depth = 1;
    boolean wordStart = true;
    List<String> pendingHeredocs = new ArrayList<>();
    for (int j = from; j < n; j++) {
      char c = s.charAt(j);
      switch (c) {
        case '\\' -> j++;
        case '\'' -> j = endOf(s, j + 1, '\'', false);
        case '"' -> j = endOf(s, j + 1, '"', true);
        case '#' -> {
          if (wordStart) j = lineEnd(s, j) - 1;
        }
        case '<' -> {
          Matcher h = HEREDOC.matcher(s).region(j, Math.min(n, j + 80));
          if (h.lookingAt()) {
            pendingHeredocs.add(h.group(2));
            j = h.end() - 1;
          }
        }
        case '\n' -> {
          for (String tag : pendingHeredocs) j = heredocEnd(s, j + 1, tag) - 1;
          pendingHeredocs.clear();
        }
        case '{' -> depth++;
        case '}' -> {
          if (--depth == 0) return j;
        }
        default -> {}
      }
      wordStart =
          c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '(' || c == '|' || c == '&';
    }
    return -1;
  }

  private static int endOf(String s, int from, char q, boolean escapes) {
    for (int j = from; j < s.length(); j++) {
      char c = s.charAt(j);
      if (escapes && c == '\\') j++;
      else if (c == q) return j;
    }
    return s.length();
  }

  private static int lineEnd(String s, int from) {
    int e = s.indexOf('\n', from);
    return e < 0 ? s.length() : e;
  }

  /** Offset of the newline ending the here-doc's terminator line (or the text's end). */
  private static int heredocEnd(String s, int from, String tag) {
    int p = from;
    while (p < s.length()) {
      int e = lineEnd(s, p);
      if (s.substring(p, e).strip().equals(tag)) return e;
      p = e + 1;
    }
    return s.length();
  }

  private static int withComments(String s, int start) {
    int first = start;
    while (first > 0) {
      int prevEnd = first - 1; // the newline ending the previous line
      int prevStart = s.lastIndexOf('\n', prevEnd - 1) + 1;
      String prev = s.substring(prevStart, prevEnd).strip();
      if (!prev.startsWith("#") || prev.startsWith("#!")) break;
      first = prevStart;
    }
    return first;
  }
}
