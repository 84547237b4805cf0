package dev.anneal.data.extract;

import dev.anneal.data.sample.Language;

/**
 * Tokens for the brace languages (Java, Go, TypeScript/JavaScript, C/C++): line and block comments,
 * strings and chars with escapes, Java text blocks, Go raw strings and JS template literals
 * (backticks), C++ raw strings {@code R"x(...)x"}, C preprocessor lines and JS regex literals. In
 * Go and JS/TS a newline that ends a statement becomes a {@link Tokens#NEWLINE_SEMI} token (Go's
 * own rule: after an identifier, literal, or closing bracket).
 */
final class BraceLexer {
  private final String s;
  private final Language lang;
  private final Tokens t;
  private final boolean asi;

  private BraceLexer(String s, Language lang) {
    this.s = s;
    this.lang = lang;
    this.t = new Tokens(s);
    this.asi = lang == Language.GO || lang == Language.TYPESCRIPT || lang == Language.JAVASCRIPT;
  }

  static Tokens lex(String s, Language lang) {
    BraceLexer x = new BraceLexer(s, lang);
    x.run();
    x.t.matchBrackets();
    return x.t;
  }

  private void run() {
    int n = s.length();
    int i = 0;
    boolean lineStart = true;
    while (i < n) {
      char c = s.charAt(i);
      if (c == '\n') {
        if (asi && endsStatement()) t.add(Tokens.NEWLINE_SEMI, i, i + 1);
        lineStart = true;
        i++;
        continue;
      }
      if (c <= ' ') {
        i++;
        continue;
      }
      boolean atLineStart = lineStart;
      lineStart = false;
      if (c == '#' && atLineStart && (lang == Language.C || lang == Language.CPP)) {
        int e = i;
        while (e < n && s.charAt(e) != '\n') e = s.charAt(e) == '\\' ? e + 2 : e + 1;
        t.add(Tokens.COMMENT, i, Math.min(e, n)); // a preprocessor line: no items inside
        i = Math.min(e, n);
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        int e = s.indexOf('\n', i);
        e = e < 0 ? n : e;
        t.add(Tokens.COMMENT, i, e);
        i = e;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int e = s.indexOf("*/", i + 2);
        e = e < 0 ? n : e + 2;
        t.add(s.startsWith("/**", i) && e - i > 4 ? Tokens.DOC : Tokens.COMMENT, i, e);
        i = e;
      } else if (c == '"' && lang == Language.JAVA && s.startsWith("\"\"\"", i)) {
        int e = s.indexOf("\"\"\"", i + 3);
        while (e > 0 && s.charAt(e - 1) == '\\') e = s.indexOf("\"\"\"", e + 1);
        e = e < 0 ? n : e + 3;
        t.add(Tokens.LITERAL, i, e);
        i = e;
      } else if (c == '"' || c == '\'') {
        int e = quoted(i + 1, c);
        t.add(Tokens.LITERAL, i, e);
        i = e;
      } else if (c == '`' && lang != Language.JAVA && lang != Language.C && lang != Language.CPP) {
        int e = lang == Language.GO ? goRaw(i) : template(i + 1);
        t.add(Tokens.LITERAL, i, e);
        i = e;
      } else if (c == '/'
          && (lang == Language.JAVASCRIPT || lang == Language.TYPESCRIPT)
          && regexAllowed()) {
        int e = regex(i + 1);
        t.add(Tokens.LITERAL, i, e);
        i = e;
      } else if (RustLexer.isIdentStart(c) || c == '$' || c == '@') {
        int e = i + 1;
        while (e < n && (RustLexer.isIdentPart(s.charAt(e)) || s.charAt(e) == '$')) e++;
        if (lang == Language.CPP
            && e < n
            && s.charAt(e) == '"'
            && s.startsWith("R", e - 1)
            && e - i <= 3) {
          int r = cppRaw(e);
          t.add(Tokens.LITERAL, i, r);
          i = r;
        } else if (e < n
            && (s.charAt(e) == '"' || s.charAt(e) == '\'')
            && e - i <= 2
            && (lang == Language.C || lang == Language.CPP)) {
          int r = quoted(e + 1, s.charAt(e)); // u8"..", L'x'
          t.add(Tokens.LITERAL, i, r);
          i = r;
        } else {
          t.add(Tokens.IDENT, i, e);
          i = e;
        }
      } else if (c >= '0' && c <= '9') {
        int e = i + 1;
        while (e < n && (RustLexer.isIdentPart(s.charAt(e)) || s.charAt(e) == '.')) e++;
        t.add(Tokens.LITERAL, i, e);
        i = e;
      } else {
        t.addSymbol(c, i);
        i++;
      }
    }
  }

  /** Go's rule, used for JS/TS too: a newline after these tokens ends the statement. */
  private boolean endsStatement() {
    if (t.size == 0) return false;
    int k = t.size - 1;
    byte ty = t.type[k];
    if (ty == Tokens.IDENT || ty == Tokens.LITERAL || ty == Tokens.CLOSE) return true;
    if (ty == Tokens.PUNCT && k > 0 && t.type[k - 1] == Tokens.PUNCT) {
      char a = t.ch(k - 1), b = t.ch(k);
      return (a == '+' && b == '+') || (a == '-' && b == '-');
    }
    return false;
  }

  private boolean regexAllowed() {
    int k = t.size - 1;
    while (k >= 0 && (t.type[k] == Tokens.COMMENT || t.type[k] == Tokens.DOC)) k--;
    if (k < 0) return true;
    byte ty = t.type[k];
    if (ty == Tokens.LITERAL || ty == Tokens.CLOSE) return false;
    if (ty == Tokens.IDENT) {
      String w = t.str(k);
      return w.equals("return")
          || w.equals("typeof")
          || w.equals("case")
          || w.equals("in")
          || w.equals("of")
          || w.equals("new")
          || w.equals("delete")
          || w.equals("void")
          || w.equals("throw")
          || w.equals("yield")
          || w.equals("await");
    }
    return true; // after an operator, '(' '[' '{' ',' ';' or a newline
  }

  private int quoted(int from, char q) {
    int n = s.length();
    for (int j = from; j < n; j++) {
      char c = s.charAt(j);
      if (c == '\\') j++;
      else if (c == q) return j + 1;
      else if (c == '\n' && q == '\'') return j; // a stray apostrophe ends at the line
    }
    return n;
  }

  private int goRaw(int i) {
    int e = s.indexOf('`', i + 1);
    return e < 0 ? s.length() : e + 1;
  }

  /** A JS template literal; {@code ${...}} may hold braces, strings and nested templates. */
  private int template(int from) {
    int n = s.length();
    for (int j = from; j < n; j++) {
      char c = s.charAt(j);
      if (c == '\\') {
        j++;
      } else if (c == '`') {
        return j + 1;
      } else if (c == '$' && j + 1 < n && s.charAt(j + 1) == '{') {
        int depth = 1;
        j += 2;
        while (j < n && depth > 0) {
          char d = s.charAt(j);
          if (d == '{') depth++;
          else if (d == '}') depth--;
          else if (d == '`') j = template(j + 1) - 1;
          else if (d == '"' || d == '\'') j = quoted(j + 1, d) - 1;
          j++;
        }
        j--;
      }
    }
    return n;
  }

  private int regex(int from) {
    int n = s.length();
    boolean inClass = false;
    for (int j = from; j < n; j++) {
      char c = s.charAt(j);
      if (c == '\\') j++;
      else if (c == '\n') return j;
      else if (c == '[') inClass = true;
      else if (c == ']') inClass = false;
      else if (c == '/' && !inClass) {
        int e = j + 1;
        while (e < n && Character.isLetter(s.charAt(e))) e++;
        return e;
      }
    }
    return n;
  }

  /** C++ raw string starting at the quote: R"delim( ... )delim". */
  private int cppRaw(int quote) {
    int paren = s.indexOf('(', quote);
    if (paren < 0 || paren - quote > 17) return quoted(quote + 1, '"');
    String close = ")" + s.substring(quote + 1, paren) + "\"";
    int e = s.indexOf(close, paren + 1);
    return e < 0 ? s.length() : e + close.length();
  }
}
