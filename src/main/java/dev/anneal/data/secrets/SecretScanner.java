package dev.anneal.data.secrets;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds secrets in a source file's text: provider keys and tokens by their published shapes, PEM
 * private keys, credentials in URLs, values assigned to names like {@code password} or {@code
 * api_key}, and, for what no pattern knows, long quoted strings of high Shannon entropy. Each match
 * is a span of the text, so a caller can mask exactly the secret and nothing else.
 */
public final class SecretScanner {
  /** Placeholder prefix written in place of a masked secret. */
  public static final String MASK_PREFIX = "[REDACTED:";

  /**
   * A rule: a kind, a pattern, the group holding the secret (0 for the whole match), and literals
   * of which every match holds at least one. Most files hold none of them, and one {@code indexOf}
   * per literal costs far less than running the pattern, so a rule's pattern runs only on texts
   * that hold one of its literals, which finds exactly what it finds without.
   */
  private record Rule(String kind, Pattern pattern, int group, List<String> literals) {
    Rule(String kind, String regex, String... literals) {
      this(kind, Pattern.compile(regex), 0, List.of(literals));
    }

    boolean mayMatch(String text) {
      for (String l : literals) if (text.indexOf(l) >= 0) return true;
      return false;
    }
  }

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "private_key",
              "-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\\s\\S]*?-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----",
              "-----BEGIN "),
          new Rule("aws_access_key", "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b", "AKIA", "ASIA"),
          new Rule(
              "github_token",
              "\\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\\b",
              "ghp_",
              "gho_",
              "ghu_",
              "ghs_",
              "ghr_",
              "github_pat_"),
          new Rule("slack_token", "\\bxox[abprs]-[A-Za-z0-9-]{10,}", "xox"),
          new Rule(
              "stripe_key", "\\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\\b", "k_live_", "k_test_"),
          new Rule("google_api_key", "\\bAIza[0-9A-Za-z_-]{35}", "AIza"),
          new Rule("openai_key", "\\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{32,}", "sk-"),
          new Rule("huggingface_token", "\\bhf_[A-Za-z0-9]{30,}\\b", "hf_"),
          new Rule(
              "jwt", "\\beyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}", "eyJ"),
          new Rule(
              "url_password",
              Pattern.compile(
                  "\\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^/\\s:@\"']{1,64}:([^/\\s:@\"'$<{]{3,128})@"),
              1,
              List.of("://")));

  /**
   * A value assigned to a name that says it holds a secret, the name matched without regard to
   * (ASCII) case. Every match starts with one of {@link #NAME_STARTS}, so the pattern is tried only
   * where one of those starts instead of at every character.
   */
  private static final Pattern ASSIGNED =
      Pattern.compile(
          "(?i)(?:password|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|private[_-]?key|client[_-]?secret)[a-z0-9_]*"
              + "[\"']?\\s*(?::=|=|:)\\s*[\"']([^\"'\\s]{8,200})[\"']");

  private static final List<String> NAME_STARTS =
      List.of("pass", "pwd", "secret", "api", "access", "auth", "private", "client");
  private static final boolean[] NAME_FIRST = new boolean[128];

  /** Per pair of lower-case ASCII chars (first × 128 + second), whether a name starts so. */
  private static final boolean[] NAME_PAIR = new boolean[128 * 128];

  static {
    for (String w : NAME_STARTS) {
      NAME_FIRST[w.charAt(0)] = true;
      NAME_PAIR[w.charAt(0) * 128 + w.charAt(1)] = true;
    }
  }

  /** A quoted string that may be a key no rule knows: 32+ characters of a key alphabet. */
  private static final Pattern QUOTED = Pattern.compile("[\"'`]([A-Za-z0-9+/=_-]{32,200})[\"'`]");

  private static final int QUOTED_MIN = 32;
  private static final boolean[] KEY_ALPHABET = new boolean[128];

  static {
    for (char c = 0; c < 128; c++) {
      KEY_ALPHABET[c] =
          c >= 'A' && c <= 'Z'
              || c >= 'a' && c <= 'z'
              || c >= '0' && c <= '9'
              || "+/=_-".indexOf(c) >= 0;
    }
  }

  /** Values that name a secret's place rather than hold one. */
  private static final Set<String> PLACEHOLDERS =
      Set.of(
          "changeme",
          "password",
          "example",
          "xxxxxxxx",
          "placeholder",
          "your_password",
          "secret",
          "redacted",
          "********");

  /** Bits per character above which a mixed-case, digit-bearing string is taken for a key. */
  static final double ENTROPY_BITS = 4.2;

  private SecretScanner() {}

  /** A secret's span in the text and its kind. */
  public record Match(int start, int end, String kind) {}

  /** The secrets in {@code text}, in order, never overlapping. */
  public static List<Match> find(String text) {
    List<Match> found = new ArrayList<>();
    for (Rule r : RULES) {
      if (!r.mayMatch(text)) continue;
      Matcher m = r.pattern().matcher(text);
      while (m.find()) addUnlessMasked(found, text, m.start(r.group()), m.end(r.group()), r.kind());
    }
    findAssigned(text, found);
    if (hasKeyAlphabetRun(text, QUOTED_MIN)) {
      Matcher q = QUOTED.matcher(text);
      while (q.find()) {
        String v = q.group(1);
        if (!v.startsWith("_Z") && looksRandom(v))
          add(found, new Match(q.start(1), q.end(1), "high_entropy"));
      }
    }
    found.sort(Comparator.comparingInt(Match::start));
    return found;
  }

  private static void addUnlessMasked(
      List<Match> found, String text, int start, int end, String kind) {
    if (!text.startsWith(MASK_PREFIX, start)) add(found, new Match(start, end, kind));
  }

  /**
   * The {@link #ASSIGNED} matches, as {@code Matcher.find} would give them: the pattern is tried
   * (anchored, on the rest of the text; it has no look-around or boundaries that could see before
   * its start) at each place a name can start, from the end of the previous match on.
   */
  private static void findAssigned(String text, List<Match> found) {
    Matcher m = null;
    int from = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      if (i < from
          || !startsLikeAName(text, i)
          || !startsWithAnyIgnoringAsciiCase(text, i, NAME_STARTS)) continue;
      if (m == null) m = ASSIGNED.matcher(text);
      m.region(i, n);
      if (!m.lookingAt()) continue;
      from = m.end();
      if (isPlaceholder(text.substring(m.start(1), m.end(1)))) continue;
      addUnlessMasked(found, text, m.start(1), m.end(1), "password");
    }
  }

  /**
   * Whether the first two chars at {@code at} are, in any case, those of one of {@link
   * #NAME_STARTS} (all three letters or more): a cheap test that rules out most places.
   */
  private static boolean startsLikeAName(String text, int at) {
    if (at + 1 >= text.length()) return false;
    int c = text.charAt(at) | 0x20;
    int d = text.charAt(at + 1) | 0x20;
    return c < 128 && d < 128 && NAME_PAIR[c * 128 + d];
  }

  /**
   * Whether one of the lower-case ASCII {@code words} starts at {@code at}, in any case. The
   * pattern's {@code (?i)} folds ASCII letters only, and {@code c | 0x20} is a letter's lower case
   * exactly when c is that letter in either case (no other char maps onto a letter).
   */
  static boolean startsWithAnyIgnoringAsciiCase(String text, int at, List<String> words) {
    int c = text.charAt(at) | 0x20;
    if (c >= 128 || !NAME_FIRST[c]) return false;
    for (String w : words) {
      if (w.charAt(0) == c && at + w.length() <= text.length() && matchesAt(text, at, w))
        return true;
    }
    return false;
  }

  private static boolean matchesAt(String text, int at, String lower) {
    for (int k = 1; k < lower.length(); k++)
      if ((text.charAt(at + k) | 0x20) != lower.charAt(k)) return false;
    return true;
  }

  /**
   * Whether {@code text} holds {@code min} characters of {@link #QUOTED}'s key alphabet in a row.
   */
  static boolean hasKeyAlphabetRun(String text, int min) {
    int run = 0;
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c < 128 && KEY_ALPHABET[c]) {
        if (++run >= min) return true;
      } else {
        run = 0;
      }
    }
    return false;
  }

  private static void add(List<Match> found, Match m) {
    for (Match o : found) if (m.start() < o.end() && o.start() < m.end()) return;
    found.add(m);
  }

  private static boolean isPlaceholder(String v) {
    String lower = v.toLowerCase(Locale.ROOT);
    if (PLACEHOLDERS.contains(lower)) return true;
    if (lower.startsWith("${")
        || lower.startsWith("{{")
        || lower.startsWith("%(")
        || lower.startsWith("<")) return true;
    return lower.chars().distinct().count() <= 2; // "xxxxxxxx", "********"
  }

  /**
   * The entropy rule: upper case, lower case and digits all present, and Shannon entropy of at
   * least {@link #ENTROPY_BITS} bits per character (with the 32-character minimum, 99% of random
   * alphanumeric keys reach it; identifiers and model ids stay below). C++ mangled names ("_Z...")
   * look random and are not secrets.
   */
  static boolean looksRandom(String v) {
    boolean upper = false;
    boolean lower = false;
    boolean digit = false;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
      digit |= c >= '0' && c <= '9';
    }
    return upper && lower && digit && entropy(v) >= ENTROPY_BITS;
  }

  /** Shannon entropy of the string's characters, in bits per character. */
  static double entropy(String v) {
    int[] counts = new int[128];
    int other = 0;
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c < 128) counts[c]++;
      else other++;
    }
    double h = 0;
    double n = v.length();
    for (int c : counts) if (c > 0) h -= c / n * (Math.log(c / n) / Math.log(2));
    if (other > 0) h -= other / n * (Math.log(other / n) / Math.log(2));
    return h;
  }

  /**
   * The text with each match replaced by {@code [REDACTED:kind]} followed by as many newlines as
   * the secret held, so every later line keeps its number.
   */
  public static String mask(String text, List<Match> matches) {
    StringBuilder sb = new StringBuilder(text.length());
    int at = 0;
    for (Match m : matches) {
      sb.append(text, at, m.start()).append(MASK_PREFIX).append(m.kind()).append(']');
      for (int i = m.start(); i < m.end(); i++) if (text.charAt(i) == '\n') sb.append('\n');
      at = m.end();
    }
    return sb.append(text, at, text.length()).toString();
  }

  /** The 1-based line of offset {@code at}. */
  public static int lineOf(String text, int at) {
    int line = 1;
    for (int i = 0; i < at; i++) if (text.charAt(i) == '\n') line++;
    return line;
  }

  /** Whether a file name is a dotenv file ({@code .env}, {@code .env.local}, {@code prod.env}). */
  public static boolean isEnvFile(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals(".env.example")
        || lower.equals(".env.sample")
        || lower.equals(".env.template")) return false;
    return lower.equals(".env") || lower.startsWith(".env.") || lower.endsWith(".env");
  }
}
