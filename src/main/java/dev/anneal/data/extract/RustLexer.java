package dev.anneal.data.extract;

/**
 * Splits Rust source into tokens, aware of everything that can hide a brace: strings with escapes,
 * byte and C strings, raw strings {@code r#"..."#} with any number of hashes, char literals (told
 * apart from lifetimes and loop labels), nested block comments and doc comments.
 */
final class RustLexer {
  private RustLexer() {}

  static Tokens lex(String s) {
    Tokens t = new Tokens(s);
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (c <= ' ') {
        i++;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '/') {
        int e = s.indexOf('\n', i);
        e = e < 0 ? n : e;
        boolean outerDoc = s.startsWith("///", i) && !s.startsWith("////", i);
        t.add(outerDoc ? Tokens.DOC : Tokens.COMMENT, i, e);
        i = e;
      } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
        int e = blockCommentEnd(s, i);
        boolean outerDoc =
            s.startsWith("/**", i) && !s.startsWith("/***", i) && !s.startsWith("/**/", i);
        t.add(outerDoc ? Tokens.DOC : Tokens.COMMENT, i, e);
        i = e;
      } else if (c == '"') {
        int e = stringEnd(s, i + 1);
        t.add(Tokens.LITERAL, i, e);
        i = e;
      } else if (c == '\'') {
        i = quote(s, i, t);
      } else if (isIdentStart(c)) {
        int e = i + 1;
        while (e < n && isIdentPart(s.charAt(e))) e++;
        int prefixed = prefixedLiteral(s, i, e);
        if (prefixed > 0) {
          t.add(Tokens.LITERAL, i, prefixed);
          i = prefixed;
        } else if (e - i == 1
            && c == 'r'
            && e + 1 < n
            && s.charAt(e) == '#'
            && isIdentStart(s.charAt(e + 1))) {
          int f = e + 1; // raw identifier r#type
          while (f < n && isIdentPart(s.charAt(f))) f++;
          t.add(Tokens.IDENT, i, f);
          i = f;
        } else {
          t.add(Tokens.IDENT, i, e);
          i = e;
        }
      } else if (c >= '0' && c <= '9') {
        int e = i + 1;
        while (e < n
            && (isIdentPart(s.charAt(e))
                || (s.charAt(e) == '.' && e + 1 < n && Character.isDigit(s.charAt(e + 1))))) e++;
        t.add(Tokens.LITERAL, i, e);
        i = e;
      } else {
        t.addSymbol(c, i);
        i++;
      }
    }
    t.matchBrackets();
    return t;
  }

  /** A char literal ('a', '\n', an escaped code point, '😀') or a lifetime/label ('a, 'static). */
  private static int quote(String s, int i, Tokens t) {
    int n = s.length();
    if (i + 1 < n && s.charAt(i + 1) == '\\') {
      int e = i + 3;
      while (e < n && s.charAt(e) != '\'' && s.charAt(e) != '\n' && e - i < 16) e++;
      e = Math.min(n, e + 1);
      t.add(Tokens.LITERAL, i, e);
      return e;
    }
    if (i + 1 < n) {
      int after = i + 1 + Character.charCount(s.codePointAt(i + 1));
      if (after < n && s.charAt(after) == '\'') {
        t.add(Tokens.LITERAL, i, after + 1);
        return after + 1;
      }
    }
    int e = i + 1;
    while (e < n && isIdentPart(s.charAt(e))) e++;
    t.add(Tokens.LITERAL, i, e); // a lifetime: harmless to items, so kept as a literal
    return e;
  }

  /**
   * The end of a literal that starts with an identifier-like prefix: b"..", c"..", b'x', r"..",
   * r#".."#, br#".."#, cr".."; 0 when {@code s[i..e)} is a plain identifier.
   */
  private static int prefixedLiteral(String s, int i, int e) {
    int n = s.length();
    if (e >= n || e - i > 2) return 0; // every prefix is one or two letters
    char first = s.charAt(i);
    boolean one = e - i == 1;
    boolean b = one && first == 'b';
    boolean c = one && first == 'c';
    boolean r = one && first == 'r';
    boolean br = !one && first == 'b' && s.charAt(i + 1) == 'r';
    boolean cr = !one && first == 'c' && s.charAt(i + 1) == 'r';
    char next = s.charAt(e);
    if ((b || c) && next == '"') return stringEnd(s, e + 1);
    if (b && next == '\'') {
      int f = e + 1;
      if (f < n && s.charAt(f) == '\\') f += 2;
      else f++;
      while (f < n && s.charAt(f) != '\'' && s.charAt(f) != '\n') f++;
      return Math.min(n, f + 1);
    }
    if ((r || br || cr) && (next == '"' || next == '#')) {
      int hashes = 0;
      int f = e;
      while (f < n && s.charAt(f) == '#') {
        hashes++;
        f++;
      }
      if (f >= n || s.charAt(f) != '"') return 0;
      String close = "\"" + "#".repeat(hashes);
      int end = s.indexOf(close, f + 1);
      return end < 0 ? n : end + close.length();
    }
    return 0;
  }

  static int stringEnd(String s, int from) {
    int n = s.length();
    for (int j = from; j < n; j++) {
      char c = s.charAt(j);
      if (c == '\\') j++;
      else if (c == '"') return j + 1;
    }
    return n;
  }

  /** Block comments nest in Rust: {@code /* a /* b *\/ c *\/} is one comment. */
  private static int blockCommentEnd(String s, int i) {
    int n = s.length();
    int depth = 0;
    int j = i;
    while (j < n - 1) {
      char c = s.charAt(j);
      if (c == '/' && s.charAt(j + 1) == '*') {
        depth++;
        j += 2;
      } else if (c == '*' && s.charAt(j + 1) == '/') {
        j += 2;
        if (--depth == 0) return j;
      } else {
        j++;
      }
    }
    return n;
  }

  static boolean isIdentStart(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || c == '_'
        || (c > 127 && Character.isLetter(c));
  }

  static boolean isIdentPart(char c) {
    return isIdentStart(c) || (c >= '0' && c <= '9') || (c > 127 && Character.isLetterOrDigit(c));
  }
}
