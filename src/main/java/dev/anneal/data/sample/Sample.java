package dev.anneal.data.sample;

/**
 * One training document: a line of {@code samples.jsonl}.
 *
 * @param text the sample's text
 * @param kind file, function, struct ... or text
 * @param path the source file, relative to the scanned root, with '/' separators
 * @param language the language id ("rust" ...)
 * @param startLine first line in the source file, 1-based
 * @param endLine last line in the source file, inclusive
 * @param messages the turns of a {@link SampleKind#CHAT} sample (its text is their plain
 *     rendering); null for every other kind
 */
public record Sample(
    String text,
    SampleKind kind,
    String path,
    String language,
    int startLine,
    int endLine,
    java.util.List<ChatMessage> messages) {

  public Sample {
    if ((kind == SampleKind.CHAT) != (messages != null)) {
      throw new IllegalArgumentException("chat samples, and only they, carry messages");
    }
    if (messages != null) messages = java.util.List.copyOf(messages);
  }

  /** A sample of source text (every kind but chat). */
  public Sample(
      String text, SampleKind kind, String path, String language, int startLine, int endLine) {
    this(text, kind, path, language, startLine, endLine, null);
  }

  /** An instruction sample: its turns, with their plain rendering as its text. */
  public static Sample chat(java.util.List<ChatMessage> messages, String path, int line) {
    return new Sample(
        ChatMessage.plainText(messages),
        SampleKind.CHAT,
        path,
        Language.JSONL.id(),
        line,
        line,
        messages);
  }
}
