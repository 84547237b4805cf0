package dev.anneal.data;

/**
 * One training document: a line of {@code samples.jsonl}.
 *
 * @param text      the sample's text
 * @param kind      file, function, struct ... or text
 * @param path      the source file, relative to the scanned root, with '/' separators
 * @param language  the language id ("rust" ...)
 * @param startLine first line in the source file, 1-based
 * @param endLine   last line in the source file, inclusive
 */
public record Sample(String text, SampleKind kind, String path, String language, int startLine,
    int endLine) {}
