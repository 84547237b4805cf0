package dev.anneal.preset;

/**
 * A training preset as written in {@code presets/<name>.yaml}: plain, immutable data.
 *
 * <p>Build one through {@link PresetLoader}, which fills defaults and validates; code downstream
 * may then rely on every required field being present and every cross-field rule holding.
 *
 * @param name short name, unique among built-in and user presets
 * @param description one line for lists
 * @param source the seed (a reference project, "seed 00N" in the README) this preset reproduces, or
 *     null
 * @param model architecture
 * @param lora low-rank adapters, or null for full training
 * @param training optimisation and schedule
 * @param data dataset settings
 * @param hardware where it runs
 */
public record Preset(
    String name,
    String description,
    String source,
    ModelSpec model,
    LoraSpec lora,
    TrainingSpec training,
    DataSpec data,
    HardwareSpec hardware) {

  public Preset {
    if (training == null) training = TrainingSpec.DEFAULT;
    if (data == null) data = DataSpec.DEFAULT;
    if (hardware == null) hardware = HardwareSpec.DEFAULT;
  }

  /** Whether only adapter weights train. */
  public boolean usesLora() {
    return lora != null;
  }

  public Preset withHardware(HardwareSpec h) {
    return new Preset(name, description, source, model, lora, training, data, h);
  }

  public Preset withTraining(TrainingSpec t) {
    return new Preset(name, description, source, model, lora, t, data, hardware);
  }

  public Preset withLora(LoraSpec l) {
    return new Preset(name, description, source, model, l, training, data, hardware);
  }
}
