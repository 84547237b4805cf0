package dev.anneal.preset;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads preset YAML into a validated {@link Preset}. Every failure is a {@link PresetException}
 * naming the file, the line and the field.
 */
public final class PresetLoader {
  private static final ObjectMapper YAML = configure(new YAMLMapper(new YAMLFactory()));

  private PresetLoader() {}

  private static ObjectMapper configure(ObjectMapper m) {
    m.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
    m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    m.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    m.configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
    for (LogicalType t : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
      m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
    }
    return m;
  }

  /** Loads and validates a preset file. */
  public static Preset load(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PresetException(file.toString(), 0, "", "cannot read: " + e.getMessage());
    }
    return parse(text, file.toString());
  }

  /**
   * Parses and validates preset text.
   *
   * @param label how the file is named in errors
   */
  public static Preset parse(String yaml, String label) {
    YamlLineIndex lines = YamlLineIndex.of(yaml);
    Preset preset;
    try {
      preset = YAML.readValue(yaml, Preset.class);
    } catch (JacksonException e) {
      throw translate(e, label, lines);
    }
    if (preset == null) throw new PresetException(label, 0, "", "the file is empty");
    List<PresetProblem> problems = PresetValidator.validate(preset);
    if (!problems.isEmpty()) {
      PresetProblem first = problems.getFirst();
      throw new PresetException(label, lines.lineOf(first.field()), first.field(), first.message());
    }
    return preset;
  }

  /** Every rule the preset breaks (empty when valid); for editors that mark all fields at once. */
  public static List<PresetProblem> problems(Preset preset) {
    return PresetValidator.validate(preset);
  }

  /**
   * Validates a preset built or changed in code (a CLI override, an edit in the studio).
   *
   * @throws PresetException naming the first broken field
   */
  public static Preset validated(Preset preset, String label) {
    List<PresetProblem> problems = PresetValidator.validate(preset);
    if (!problems.isEmpty()) {
      PresetProblem first = problems.getFirst();
      throw new PresetException(label, 0, first.field(), first.message());
    }
    return preset;
  }

  /** The preset as YAML, in the same shape {@link #parse} reads. */
  public static String toYaml(Preset preset) {
    try {
      YAMLMapper m =
          YAMLMapper.builder()
              .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
              .build();
      return m.writeValueAsString(preset);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The preset as a JSON tree, for {@code --json} output. */
  public static ObjectMapper jsonMapper() {
    return JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();
  }

  private static PresetException translate(JacksonException e, String label, YamlLineIndex lines) {
    JsonLocation loc = e.getLocation();
    String field = e instanceof JsonMappingException m ? pathOf(m) : "";
    // Jackson's location is where it stopped reading, which can be lines later; the key's own
    // line is exact when the index has it.
    int line = lines.exactLineOf(field);
    if (line == 0) line = loc == null ? 0 : loc.getLineNr();
    String problem =
        switch (e) {
          case UnrecognizedPropertyException u ->
              "unknown key '"
                  + u.getPropertyName()
                  + "'; known keys here: "
                  + String.join(
                      ", ",
                      u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList());
          case InvalidFormatException f
              when f.getTargetType() != null && f.getTargetType().isEnum() ->
              "'" + f.getValue() + "' is not one of " + enumNames(f.getTargetType());
          case MismatchedInputException m -> "expected " + describe(m.getTargetType());
          case JsonMappingException m -> firstLine(m.getOriginalMessage(), "", "");
          default -> "not valid YAML: " + firstLine(e.getOriginalMessage(), "", "");
        };
    if (e instanceof UnrecognizedPropertyException u) {
      field = field.isEmpty() ? u.getPropertyName() : field;
    }
    return new PresetException(label, line, field, problem);
  }

  private static String pathOf(JsonMappingException m) {
    StringBuilder s = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        if (!s.isEmpty()) s.append('.');
        s.append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        s.append('[').append(r.getIndex()).append(']');
      }
    }
    return s.toString();
  }

  private static String enumNames(Class<?> type) {
    return Arrays.stream(type.getEnumConstants())
        .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT))
        .collect(Collectors.joining(", "));
  }

  private static String describe(Class<?> type) {
    if (type == null) return "a different value";
    if (type == Integer.class || type == Long.class || type == int.class) return "a whole number";
    if (type == Double.class || type == double.class) return "a number";
    if (type == Boolean.class || type == boolean.class) return "true or false";
    if (type == String.class) return "text";
    if (List.class.isAssignableFrom(type)) return "a list";
    if (type.isEnum()) return "one of " + enumNames(type);
    return "a section of keys";
  }

  private static String firstLine(String s, String before, String after) {
    if (s == null || s.isBlank()) return "";
    String line = s.lines().findFirst().orElse("").strip();
    if (line.length() > 160) line = line.substring(0, 157) + "...";
    return before + line + after;
  }
}
