package dev.anneal.data.extract;

import java.util.Arrays;

/**
 * A file's significant tokens as parallel arrays (no object per token, so extraction stays fast),
 * with the matching bracket of every bracket. Lexers fill it; extractors walk it.
 */
final class Tokens {
  static final byte IDENT = 1,
      PUNCT = 2,
      OPEN = 3,
      CLOSE = 4,
      LITERAL = 5,
      COMMENT = 6,
      DOC = 7,
      NEWLINE_SEMI = 8;

  final String text;
  byte[] type;
  int[] start;
  int[] end;
  int[] match;
  int size;

  Tokens(String text) {
    this.text = text;
    // Code runs about one token to four characters: room for most files without regrowing.
    int capacity = Math.max(256, text.length() / 3);
    type = new byte[capacity];
    start = new int[capacity];
    end = new int[capacity];
  }

  void add(byte t, int s, int e) {
    if (size == type.length) {
      int n = size * 2;
      type = Arrays.copyOf(type, n);
      start = Arrays.copyOf(start, n);
      end = Arrays.copyOf(end, n);
    }
    type[size] = t;
    start[size] = s;
    end[size] = e;
    size++;
  }

  /** A one-character token at {@code i}: an opening or closing bracket, or punctuation. */
  void addSymbol(char c, int i) {
    byte t =
        c == '(' || c == '[' || c == '{' ? OPEN : c == ')' || c == ']' || c == '}' ? CLOSE : PUNCT;
    add(t, i, i + 1);
  }

  char ch(int i) {
    return text.charAt(start[i]);
  }

  boolean is(int i, char c) {
    return i < size
        && (type[i] == PUNCT || type[i] == OPEN || type[i] == CLOSE)
        && text.charAt(start[i]) == c;
  }

  boolean isIdent(int i, String word) {
    return i < size
        && type[i] == IDENT
        && end[i] - start[i] == word.length()
        && text.startsWith(word, start[i]);
  }

  String str(int i) {
    return text.substring(start[i], end[i]);
  }

  boolean isComment(int i) {
    return type[i] == COMMENT || type[i] == DOC;
  }

  /**
   * Pairs brackets with a stack. A closer with no opener is ignored; an opener never closed matches
   * the last token, so a broken file still yields the items before the break.
   */
  void matchBrackets() {
    match = new int[size];
    Arrays.fill(match, -1);
    int[] stack = new int[16]; // the open brackets, innermost last
    int depth = 0;
    for (int i = 0; i < size; i++) {
      if (type[i] == OPEN) {
        if (depth == stack.length) stack = Arrays.copyOf(stack, 2 * depth);
        stack[depth++] = i;
      } else if (type[i] == CLOSE) {
        char want =
            switch (ch(i)) {
              case ')' -> '(';
              case ']' -> '[';
              default -> '{';
            };
        int opener = depth - 1;
        while (opener >= 0 && ch(stack[opener]) != want) opener--;
        if (opener < 0) continue;
        // An unclosed inner opener ends where its outer one does.
        while (depth > opener + 1) match[stack[--depth]] = i;
        int o = stack[--depth];
        match[o] = i;
        match[i] = o;
      }
    }
    while (depth > 0) match[stack[--depth]] = Math.max(0, size - 1);
  }

  /** Index after the group opened at {@code i}, or after {@code i} when it is not an opener. */
  int skip(int i) {
    return type[i] == OPEN ? match[i] + 1 : i + 1;
  }

  /** Whether a blank line lies between the end of token {@code a} and the start of {@code b}. */
  boolean blankLineBetween(int a, int b) {
    int newlines = 0;
    for (int p = end[a]; p < start[b]; p++) {
      if (text.charAt(p) == '\n' && ++newlines > 1) return true;
    }
    return false;
  }
}
