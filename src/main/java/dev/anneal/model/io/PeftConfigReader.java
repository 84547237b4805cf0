package dev.anneal.model.io;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.anneal.preset.LoraSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads PEFT's adapter_config.json, refusing the LoRA variants Anneal does not compute. */
final class PeftConfigReader {
  private PeftConfigReader() {}

  static PeftAdapter.Config read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) throw new ModelFormatException(file, "no such file");
    JsonNode c;
    try {
      c = HfConfig.JSON.readTree(file.toFile());
    } catch (JacksonException e) {
      throw new ModelFormatException(file, "not valid JSON: " + e.getOriginalMessage());
    }
    if (c == null || !c.isObject()) throw new ModelFormatException(file, "not a JSON object");
    ConfigFields f = new ConfigFields(c, file, "PEFT adapter");
    String type = f.stringOr("peft_type", null);
    if (!"LORA".equals(type))
      throw new ModelFormatException(file, "peft_type '" + type + "' is not LORA");
    for (String variant : List.of("use_dora", "use_rslora")) {
      if (f.boolOr(variant, false))
        throw new ModelFormatException(file, variant + " is not supported");
    }
    for (String pattern : List.of("rank_pattern", "alpha_pattern")) {
      JsonNode n = f.node(pattern);
      if (n != null && !n.isEmpty())
        throw new ModelFormatException(file, pattern + " is not supported");
    }
    if (f.has("layers_to_transform"))
      throw new ModelFormatException(file, "layers_to_transform is not supported");
    String bias = f.stringOr("bias", "none");
    if (!bias.equals("none"))
      throw new ModelFormatException(file, "bias '" + bias + "' is not supported (none)");
    int rank = f.requiredInt("r");
    JsonNode targets = f.node("target_modules");
    if (targets == null || !(targets.isArray() || targets.isTextual())) {
      throw new ModelFormatException(file, "target_modules must be a list or a regular expression");
    }
    JsonNode exclude = f.node("exclude_modules");
    if (exclude != null && exclude.isTextual()) {
      throw new ModelFormatException(
          file, "exclude_modules as a regular expression is not supported");
    }
    List<String> saved = PeftAdapter.strings(f.node("modules_to_save"));
    if (!saved.isEmpty() && !saved.equals(List.of("gate"))) {
      throw new ModelFormatException(
          file, "modules_to_save " + saved + " is not supported (only the router, gate)");
    }
    LoraSpec lora =
        new LoraSpec(
            rank,
            f.doubleOr("lora_alpha", 8.0),
            f.doubleOr("lora_dropout", 0.0),
            PeftAdapter.strings(targets),
            PeftAdapter.strings(exclude),
            saved.isEmpty());
    return new PeftAdapter.Config(
        lora,
        f.stringOr("base_model_name_or_path", null),
        f.boolOr("fan_in_fan_out", false),
        targets);
  }
}
