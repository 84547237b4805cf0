package dev.anneal.data;

import java.util.regex.Pattern;

/**
 * One gitignore-style pattern: {@code *} within a name, {@code **} across folders, {@code ?},
 * {@code [a-z]}, a leading {@code !} to re-include, a trailing {@code /} for folders only, and
 * anchoring to its base folder when the pattern holds a '/' anywhere but at its end.
 *
 * @param base folder the pattern is relative to ("" for the root), '/'-separated
 * @param negated whether it re-includes what earlier patterns excluded
 * @param dirOnly whether it matches folders only
 */
record GlobPattern(String base, Pattern regex, boolean negated, boolean dirOnly) {

  /** Parses one line of a {@code .gitignore} (or a user glob); null for blanks and comments. */
  static GlobPattern parse(String base, String line) {
    String p = line.strip();
    if (p.isEmpty() || p.startsWith("#")) return null;
    boolean negated = p.startsWith("!");
    if (negated) p = p.substring(1);
    if (p.startsWith("\\")) p = p.substring(1);
    boolean dirOnly = p.endsWith("/");
    if (dirOnly) p = p.substring(0, p.length() - 1);
    if (p.isEmpty()) return null;
    boolean anchored = p.contains("/");
    if (p.startsWith("/")) p = p.substring(1);
    String body = toRegex(p);
    String regex = anchored ? body : "(?:.*/)?" + body;
    return new GlobPattern(base, Pattern.compile(regex), negated, dirOnly);
  }

  /** Whether {@code rel} ('/'-separated, relative to the scanned root) matches. */
  boolean matches(String rel, boolean isDir) {
    if (dirOnly && !isDir) return false;
    String r = rel;
    if (!base.isEmpty()) {
      if (!rel.startsWith(base + "/")) return false;
      r = rel.substring(base.length() + 1);
    }
    return regex.matcher(r).matches();
  }

  private static String toRegex(String glob) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
        boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
        sb.append(slashAfter ? "(?:.*/)?" : ".*");
        i += slashAfter ? 2 : 1;
      } else if (c == '*') {
        sb.append("[^/]*");
      } else if (c == '?') {
        sb.append("[^/]");
      } else if (c == '[') {
        int close = glob.indexOf(']', i + 1);
        if (close < 0) {
          sb.append("\\[");
        } else {
          String set = glob.substring(i + 1, close).replace("\\", "\\\\");
          if (set.startsWith("!")) set = "^" + set.substring(1);
          sb.append('[').append(set).append(']');
          i = close;
        }
      } else {
        sb.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return sb.toString();
  }
}
