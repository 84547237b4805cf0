package dev.anneal.data.extract;

import dev.anneal.data.sample.SampleKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds Rust items: functions (free, in impl and trait blocks, in inline modules), structs and
 * unions, enums, traits, impl blocks and inline modules, each with its outer doc comments and
 * attributes. Function declarations without a body, {@code mod x;}, use/const/static/type items,
 * {@code macro_rules!} and item-level macro calls are recognised and stepped over.
 */
final class RustExtractor {
  private static final Set<String> MODIFIERS = Set.of("pub", "unsafe", "async", "default", "auto");

  private final Tokens t;
  private final List<Item> items = new ArrayList<>();

  private RustExtractor(Tokens t) {
    this.t = t;
  }

  static List<Item> extract(String text) {
    RustExtractor x = new RustExtractor(RustLexer.lex(text));
    x.items(0, x.t.size, true);
    return x.items;
  }

  /** Walks the items of a block (the file, a module body, an impl or trait body). */
  private void items(int from, int to, boolean top) {
    int pending = -1; // first doc comment or attribute of the next item
    int i = from;
    while (i < to) {
      byte ty = t.type[i];
      if (ty == Tokens.DOC) {
        if (pending < 0) pending = i;
        i++;
        continue;
      }
      if (ty == Tokens.COMMENT) {
        i++;
        continue;
      }
      if (t.is(i, '#')) {
        boolean inner = t.is(i + 1, '!');
        int open = inner ? i + 2 : i + 1;
        if (t.is(open, '[')) {
          if (!inner && pending < 0) pending = i;
          i = t.skip(open);
          continue;
        }
      }
      int first = pending >= 0 ? pending : i;
      pending = -1;
      i = item(first, i, to, top);
    }
  }

  /** Reads one item whose keywords start at {@code i}; returns the index after it. */
  private int item(int first, int i, int to, boolean top) {
    int j = i;
    while (j < to) {
      if (t.type[j] == Tokens.IDENT && MODIFIERS.contains(t.str(j))) {
        j++;
        if (t.isIdent(j - 1, "pub") && t.is(j, '(')) j = t.skip(j);
      } else if (t.isIdent(j, "const")
          && (t.isIdent(j + 1, "fn")
              || t.isIdent(j + 1, "unsafe")
              || t.isIdent(j + 1, "async")
              || t.isIdent(j + 1, "extern"))) {
        j++;
      } else if (t.isIdent(j, "extern") && !t.isIdent(j + 1, "crate")) {
        j++;
        if (j < to && t.type[j] == Tokens.LITERAL) j++; // the ABI string
        if (t.is(j, '{')) return t.skip(j); // a foreign block: declarations only
      } else {
        break;
      }
    }
    if (j >= to) return to;
    if (t.type[j] != Tokens.IDENT) return t.skip(j);
    String kw = t.str(j);
    SampleKind kind =
        switch (kw) {
          case "fn" -> SampleKind.FUNCTION;
          case "struct", "union" -> SampleKind.STRUCT;
          case "enum" -> SampleKind.ENUM;
          case "trait" -> SampleKind.TRAIT;
          case "impl" -> SampleKind.IMPL;
          case "mod" -> SampleKind.MODULE;
          default -> null;
        };
    if (kw.equals("union") && !(j + 1 < to && t.type[j + 1] == Tokens.IDENT)) kind = null;
    if (kind == null) return other(j, to);
    int body = bodyOrSemicolon(j + 1, to);
    if (body >= to) return to;
    if (!t.is(body, '{')) { // `struct S;` and `struct T(u8);` are samples; `fn f();`, `mod m;` not
      if (kind == SampleKind.STRUCT) {
        items.add(new Item(kind, Lines.widenToLineStart(t.text, t.start[first]), t.end[body], top));
      }
      return body + 1;
    }
    int close = t.match[body];
    items.add(new Item(kind, Lines.widenToLineStart(t.text, t.start[first]), t.end[close], top));
    if (kind == SampleKind.IMPL || kind == SampleKind.TRAIT || kind == SampleKind.MODULE) {
      items(body + 1, close, false);
    }
    return close + 1;
  }

  /** Steps over an item that yields no sample: use/const/static/type, macros, stray tokens. */
  private int other(int j, int to) {
    String kw = t.str(j);
    if (kw.equals("macro_rules") && t.is(j + 1, '!')) return macroCall(j + 3, to);
    if (t.is(j + 1, '!')) return macroCall(j + 2, to); // an item-level call: lazy_static! { }
    if (kw.equals("use")
        || kw.equals("const")
        || kw.equals("static")
        || kw.equals("type")
        || kw.equals("extern")
        || kw.equals("let")) {
      for (int k = j + 1; k < to; k = t.skip(k)) if (t.is(k, ';')) return k + 1;
      return to;
    }
    return j + 1;
  }

  private int macroCall(int open, int to) {
    if (open >= to || t.type[open] != Tokens.OPEN) return Math.min(open, to);
    int after = t.match[open] + 1;
    return t.is(after, ';') ? after + 1 : after;
  }

  /** The index of the body's '{' or the item's ';', stepping over (...) and [...] groups. */
  private int bodyOrSemicolon(int k, int to) {
    while (k < to) {
      if (t.is(k, '{') || t.is(k, ';')) return k;
      k = t.skip(k);
    }
    return to;
  }
}
