package dev.anneal.data.extract;

import dev.anneal.data.sample.Language;
import dev.anneal.data.sample.SampleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds items in Java, Go, TypeScript/JavaScript and C/C++ by reading statements at the file's top
 * level and inside class-like bodies: a statement that opens a block is classified from its header
 * (the tokens before the '{'): a declaration keyword ({@code class}, {@code interface}, {@code
 * enum}, {@code struct}, {@code namespace}, {@code func}, {@code function} ...), or a name followed
 * by a parameter list (a function or method). Comments directly above (no blank line) are attached.
 * Function bodies are not searched: local functions stay inside their function.
 */
final class BraceExtractor {
  private static final Set<String> CONTROL =
      Set.of(
          "if",
          "for",
          "while",
          "switch",
          "catch",
          "else",
          "do",
          "try",
          "return",
          "synchronized",
          "with",
          "foreach",
          "new",
          "throw",
          "finally",
          "case",
          "typeof",
          "await",
          "yield",
          "static_assert",
          "sizeof",
          "defined");

  private final Tokens t;
  private final Language lang;
  private final List<Item> items = new ArrayList<>();

  private BraceExtractor(Tokens t, Language lang) {
    this.t = t;
    this.lang = lang;
  }

  static List<Item> extract(String text, Language lang) {
    BraceExtractor x = new BraceExtractor(BraceLexer.lex(text, lang), lang);
    x.items(0, x.t.size, true);
    return x.items;
  }

  private void items(int from, int to, boolean top) {
    int stmt = -1;
    int i = from;
    while (i < to) {
      byte ty = t.type[i];
      if (t.isComment(i)) {
        i++;
      } else if (t.is(i, ';') || (ty == Tokens.NEWLINE_SEMI && !braceFollows(i, to))) {
        stmt = -1;
        i++;
      } else if (ty == Tokens.NEWLINE_SEMI) {
        i++;
      } else {
        if (stmt < 0) stmt = i;
        if (t.is(i, '{')) {
          i = block(stmt, i, from, to, top);
          stmt = -1;
        } else {
          i = t.skip(i);
        }
      }
    }
  }

  /** JS allows {@code function f()\n{}}: a newline right before '{' does not end the header. */
  private boolean braceFollows(int i, int to) {
    if (lang == Language.GO) return false;
    int k = i + 1;
    while (k < to && t.isComment(k)) k++;
    return t.is(k, '{');
  }

  private int block(int stmt, int brace, int from, int to, boolean top) {
    int close = t.match[brace];
    SampleKind kind = classify(stmt, brace);
    if (kind == null) {
      if (isLinkageBlock(stmt, brace)) items(brace + 1, close, top); // extern "C" { ... }
      return close + 1;
    }
    int last = close;
    if ((lang == Language.C || lang == Language.CPP)
        && kind != SampleKind.FUNCTION
        && kind != SampleKind.MODULE) {
      for (int k = close + 1; k < to && k < close + 24 && !t.is(k, '{'); k = t.skip(k)) {
        if (t.is(k, ';')) {
          last = k; // typedef struct { ... } name;
          break;
        }
      }
    }
    int first = stmt;
    while (first - 1 >= from && t.isComment(first - 1) && !t.blankLineBetween(first - 1, first)) {
      first--;
    }
    items.add(new Item(kind, Lines.widenToLineStart(t.text, t.start[first]), t.end[last], top));
    if (kind != SampleKind.FUNCTION) items(brace + 1, close, false);
    return last + 1;
  }

  private boolean isLinkageBlock(int stmt, int brace) {
    return brace - stmt == 2 && t.isIdent(stmt, "extern") && t.type[stmt + 1] == Tokens.LITERAL;
  }

  /** What the header {@code [stmt, brace)} declares, or null for anything else. */
  private SampleKind classify(int stmt, int brace) {
    boolean paren = false;
    for (int k = stmt; k < brace; k = t.skip(k)) if (t.is(k, '(')) paren = true;
    for (int k = stmt; k < brace; k = t.skip(k)) {
      if (t.type[k] != Tokens.IDENT) continue;
      SampleKind kind = keyword(t.str(k), paren, k, brace);
      if (kind != null) return kind;
      if (lang == Language.GO) return null;
    }
    return paren ? functionHeader(stmt, brace) : null;
  }

  private SampleKind keyword(String w, boolean paren, int k, int brace) {
    return switch (lang) {
      case GO ->
          switch (w) {
            case "func" -> SampleKind.FUNCTION;
            case "type" -> goType(k, brace);
            default -> null;
          };
      case JAVA ->
          switch (w) {
            case "class", "record" -> SampleKind.STRUCT;
            case "interface", "@interface" -> SampleKind.TRAIT;
            case "enum" -> SampleKind.ENUM;
            default -> null;
          };
      case TYPESCRIPT, JAVASCRIPT ->
          switch (w) {
            case "class" -> SampleKind.STRUCT;
            case "interface" -> SampleKind.TRAIT;
            case "enum" -> SampleKind.ENUM;
            case "namespace", "module" ->
                k + 1 < brace && t.type[k + 1] == Tokens.IDENT
                        || k + 1 < brace && t.type[k + 1] == Tokens.LITERAL
                    ? SampleKind.MODULE
                    : null;
            case "function" -> SampleKind.FUNCTION;
            default -> null;
          };
      default ->
          switch (w) { // C, C++
            case "namespace" -> SampleKind.MODULE;
            case "struct", "class", "union" -> paren ? null : SampleKind.STRUCT;
            case "enum" -> paren ? null : SampleKind.ENUM;
            default -> null;
          };
    };
  }

  private SampleKind goType(int k, int brace) {
    for (int j = k + 1; j < brace; j = t.skip(j)) {
      if (t.isIdent(j, "struct")) return SampleKind.STRUCT;
      if (t.isIdent(j, "interface")) return SampleKind.TRAIT;
    }
    return null;
  }

  /** A name and a parameter list: {@code void f(int a) const}, {@code foo<T>(x) {}}, arrows. */
  private SampleKind functionHeader(int stmt, int brace) {
    if (t.type[stmt] != Tokens.IDENT || CONTROL.contains(t.str(stmt))) return null;
    boolean arrow = false;
    for (int k = stmt; k + 1 < brace; k = t.skip(k)) {
      if (t.is(k, '=') && t.is(k + 1, '>') && t.end[k] == t.start[k + 1]) arrow = true;
    }
    if (arrow) return SampleKind.FUNCTION;
    for (int k = stmt; k < brace; k = t.skip(k)) {
      if (t.is(k, '(')) {
        boolean named = k > stmt && (t.type[k - 1] == Tokens.IDENT || t.is(k - 1, '>'));
        if (named && t.type[k - 1] == Tokens.IDENT && CONTROL.contains(t.str(k - 1))) return null;
        return named ? SampleKind.FUNCTION : null;
      }
      if (t.is(k, '=')
          && !(t.is(k + 1, '=')
              || (k > stmt && "!<>=".indexOf(t.ch(k - 1)) >= 0 && t.type[k - 1] == Tokens.PUNCT))) {
        return null; // an assignment: `x = foo(...) {` is not a declaration
      }
    }
    return null;
  }
}
