package dev.anneal.data.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anneal.data.sample.ChatMessages;
import dev.anneal.data.sample.Language;
import dev.anneal.data.sample.Sample;
import dev.anneal.data.sample.SampleKind;
import dev.anneal.data.sample.TokenEstimate;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one source file into samples: for code, file-level samples (the whole file, or chunks cut
 * between top-level items when over the token limit, each headed by a path comment) plus a granular
 * sample per item; for Markdown and plain text, text samples cut at paragraphs; for JSONL, one text
 * sample per line's {@code text} field, or one chat sample per instruction line ({@code messages},
 * or {@code prompt} and {@code response}).
 */
public final class Extraction {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Extraction.class);

  private Extraction() {}

  /** The items of a code file, in order of their start. */
  public static List<Item> items(String text, Language lang) {
    return switch (lang) {
      case RUST -> RustExtractor.extract(text);
      case PYTHON -> PythonExtractor.extract(text);
      case SHELL -> ShellExtractor.extract(text);
      case JAVA, GO, TYPESCRIPT, JAVASCRIPT, C, CPP -> BraceExtractor.extract(text, lang);
      case MARKDOWN, TEXT, JSONL -> List.of();
    };
  }

  /** All samples of one file, file-level first. */
  public static List<Sample> samples(String path, String text, Language lang, int maxTokens) {
    if (lang == Language.JSONL) return jsonl(path, text);
    Lines lines = new Lines(text);
    List<Sample> out = new ArrayList<>();
    if (lang.isProse()) {
      for (int[] c : chunks(text, paragraphBreaks(text), maxTokens)) {
        String body = text.substring(c[0], c[1]).strip();
        if (!body.isEmpty()) out.add(sample(body, SampleKind.TEXT, path, lang, lines, c[0], c[1]));
      }
      return out;
    }
    List<Item> items = items(text, lang);
    List<Integer> cuts = new ArrayList<>();
    for (Item it : items) if (it.topLevel()) cuts.add(it.start());
    String header = lang.lineComment() + " path: " + path + "\n";
    for (int[] c : chunks(text, cuts, maxTokens - TokenEstimate.of(header))) {
      String body = text.substring(c[0], c[1]);
      if (body.isBlank()) continue;
      out.add(sample(header + body, SampleKind.FILE, path, lang, lines, c[0], c[1]));
    }
    for (Item it : items) {
      out.add(
          sample(
              text.substring(it.start(), it.end()),
              it.kind(),
              path,
              lang,
              lines,
              it.start(),
              it.end()));
    }
    return out;
  }

  private static Sample sample(
      String body, SampleKind kind, String path, Language lang, Lines lines, int start, int end) {
    // A span's last character (a newline included) lies on its last line.
    return new Sample(
        body, kind, path, lang.id(), lines.lineOf(start), lines.lineOf(Math.max(start, end - 1)));
  }

  /**
   * Cuts {@code [0, text.length())} into spans of at most {@code limit} estimated tokens,
   * preferring the given cut offsets; a span over the limit between two cuts is cut at lines. Spans
   * are estimated once each and summed, so long files cost one pass.
   */
  static List<int[]> chunks(String text, List<Integer> cuts, int limit) {
    List<int[]> out = new ArrayList<>();
    if (TokenEstimate.of(text) <= limit) {
      out.add(new int[] {0, text.length()});
      return out;
    }
    List<Integer> bounds = new ArrayList<>();
    for (int c : cuts) {
      int lineStart = text.lastIndexOf('\n', Math.max(0, c - 1)) + 1;
      int b = c == 0 ? 0 : Math.min(c, lineStart);
      if (b > 0 && (bounds.isEmpty() || b > bounds.getLast())) bounds.add(b);
    }
    bounds.add(text.length());
    int start = 0;
    int tokens = 0;
    int prev = 0;
    for (int b : bounds) {
      if (b <= prev) continue;
      int segment = TokenEstimate.of(text, prev, b);
      if (tokens + segment <= limit) {
        tokens += segment;
        prev = b;
        continue;
      }
      if (prev > start) out.add(new int[] {start, prev});
      start = prev;
      tokens = segment;
      if (segment > limit) {
        start = byLines(text, start, b, limit, out);
        tokens = TokenEstimate.of(text, start, b);
      }
      prev = b;
    }
    if (start < text.length()) out.add(new int[] {start, text.length()});
    return out;
  }

  /** Cuts one oversized span at line ends; returns where the unfinished last piece starts. */
  private static int byLines(String text, int start, int end, int limit, List<int[]> out) {
    int pieceStart = start;
    int tokens = 0;
    int p = start;
    while (p < end) {
      int e = text.indexOf('\n', p);
      e = e < 0 || e >= end ? end : e + 1;
      int lineTokens = TokenEstimate.of(text, p, e);
      if (tokens + lineTokens > limit && p > pieceStart) {
        out.add(new int[] {pieceStart, p});
        pieceStart = p;
        tokens = 0;
      }
      tokens += lineTokens;
      p = e;
    }
    return pieceStart;
  }

  private static List<Integer> paragraphBreaks(String text) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = text.indexOf("\n\n"); i >= 0; i = text.indexOf("\n\n", i + 2)) cuts.add(i + 2);
    return cuts;
  }

  private static List<Sample> jsonl(String path, String text) {
    List<Sample> out = new ArrayList<>();
    int lineNo = 0;
    int bad = 0;
    int firstBad = 0;
    int badChat = 0;
    String firstBadChat = null;
    for (String line : text.split("\n", -1)) {
      lineNo++;
      if (line.isBlank()) continue;
      JsonNode node;
      try {
        node = JSON.readTree(line);
      } catch (Exception e) {
        if (bad++ == 0) firstBad = lineNo;
        continue;
      }
      if (ChatMessages.isInstruction(node)) {
        String problem = ChatMessages.problem(node);
        if (problem == null) {
          out.add(Sample.chat(ChatMessages.of(node), path, lineNo));
        } else {
          if (badChat++ == 0) firstBadChat = path + ":" + lineNo + ": " + problem;
        }
        continue;
      }
      JsonNode t = node == null ? null : node.get("text");
      if (t != null && t.isTextual() && !t.asText().isBlank()) {
        out.add(new Sample(t.asText(), SampleKind.TEXT, path, Language.JSONL.id(), lineNo, lineNo));
      }
    }
    if (bad > 0) LOG.warn("{}:{}: {} lines are not JSON, skipped", path, firstBad, bad);
    if (badChat > 0)
      LOG.warn("{} ({} instruction lines with problems, skipped)", firstBadChat, badChat);
    return out;
  }
}
