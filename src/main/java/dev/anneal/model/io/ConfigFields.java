package dev.anneal.model.io;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** Reads JSON config fields with errors that name the file, the field and what the file is. */
final class ConfigFields {
  private final JsonNode root;
  private final Path file;
  private final String context;

  ConfigFields(JsonNode root, Path file, String context) {
    this.root = root;
    this.file = file;
    this.context = context;
  }

  Path file() {
    return file;
  }

  JsonNode node(String field) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? null : n;
  }

  boolean has(String field) {
    return node(field) != null;
  }

  int requiredInt(String field) throws ModelFormatException {
    JsonNode n = node(field);
    if (n == null) throw problem("missing field '" + field + "'");
    return toInt(field, n);
  }

  Integer optionalInt(String field) throws ModelFormatException {
    JsonNode n = node(field);
    return n == null ? null : toInt(field, n);
  }

  int intOr(String field, int fallback) throws ModelFormatException {
    Integer v = optionalInt(field);
    return v != null ? v : fallback;
  }

  double doubleOr(String field, double fallback) throws ModelFormatException {
    JsonNode n = node(field);
    if (n == null) return fallback;
    if (!n.isNumber()) throw problem("field '" + field + "' must be a number, not " + n);
    return n.asDouble();
  }

  boolean boolOr(String field, boolean fallback) throws ModelFormatException {
    JsonNode n = node(field);
    if (n == null) return fallback;
    if (!n.isBoolean()) throw problem("field '" + field + "' must be true or false, not " + n);
    return n.asBoolean();
  }

  String stringOr(String field, String fallback) {
    JsonNode n = node(field);
    return n == null ? fallback : n.asText();
  }

  /** A token id; a list (several end tokens) gives its first. */
  Integer tokenId(String field) throws ModelFormatException {
    JsonNode n = node(field);
    if (n != null && n.isArray()) n = n.size() > 0 ? n.get(0) : null;
    return n == null ? null : toInt(field, n);
  }

  private int toInt(String field, JsonNode n) throws ModelFormatException {
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 0) {
      throw problem("field '" + field + "' must be a non-negative integer, not " + n);
    }
    return n.asInt();
  }

  ModelFormatException problem(String what) {
    return new ModelFormatException(file, what + " (" + context + ")");
  }
}
