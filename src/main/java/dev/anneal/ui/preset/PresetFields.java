package dev.anneal.ui.preset;

import dev.anneal.preset.Balancing;
import dev.anneal.preset.Precision;
import dev.anneal.preset.Schedule;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The fields the preset editor offers, grouped as the sheet shows them. */
final class PresetFields {
  private PresetFields() {}

  static final List<PresetField> MODEL =
      List.of(
          PresetField.choice("model.family", "Model", "Architecture family", "gpt2", "llama"),
          PresetField.of("model.layers", "Model", Integer.class, "Transformer blocks"),
          PresetField.of("model.hidden", "Model", Integer.class, "Width C of the residual stream"),
          PresetField.of(
              "model.heads", "Model", Integer.class, "Attention heads H; must divide hidden"),
          PresetField.of(
              "model.kv_heads", "Model", Integer.class, "Key/value heads (GQA); must divide heads"),
          PresetField.of("model.intermediate", "Model", Integer.class, "Feed-forward width I"),
          PresetField.of("model.vocab", "Model", Integer.class, "Vocabulary size V"),
          PresetField.of(
              "model.context", "Model", Integer.class, "Longest sequence the model takes"),
          PresetField.choice(
              "model.position", "Model", "Learned table or rotary", "learned", "rope"),
          PresetField.choice("model.norm", "Model", "Normalisation", "layernorm", "rmsnorm"),
          PresetField.choice("model.activation", "Model", "Feed-forward kind", "gelu", "swiglu"),
          PresetField.of("model.qkv_bias", "Model", Boolean.class, "Bias on q/k/v projections"),
          PresetField.of(
              "model.tie_embeddings", "Model", Boolean.class, "Share input table and output head"),
          PresetField.of("model.rope_theta", "Model", Double.class, "RoPE base frequency"));

  static final List<PresetField> MOE =
      List.of(
          PresetField.of("model.moe.experts", "Model", Integer.class, "Routed experts E"),
          PresetField.of(
              "model.moe.experts_per_token",
              "Model",
              Integer.class,
              "Experts chosen per token (top-k)"),
          PresetField.of(
              "model.moe.shared_experts", "Model", Integer.class, "Experts every token uses"),
          PresetField.choice(
              "model.moe.balancing", "Model", "Load balancing", spellings(Balancing.values())));

  static final List<PresetField> LORA =
      List.of(
          PresetField.of("lora.rank", "LoRA", Integer.class, "Adapter rank r"),
          PresetField.of("lora.alpha", "LoRA", Double.class, "Scale alpha (output × alpha/r)"),
          PresetField.of("lora.dropout", "LoRA", Double.class, "Dropout on the adapter input"),
          PresetField.of(
              "lora.freeze_router", "LoRA", Boolean.class, "Keep the MoE router frozen"));

  static final List<PresetField> TRAINING =
      List.of(
          PresetField.of("training.steps", "Training", Integer.class, "Optimizer steps"),
          PresetField.of(
              "training.micro_batch", "Training", Integer.class, "Sequences per device per pass"),
          PresetField.of(
              "training.accumulation", "Training", Integer.class, "Micro batches per step"),
          PresetField.of("training.seq_len", "Training", Integer.class, "Training sequence length"),
          PresetField.of("training.lr", "Training", Double.class, "Peak learning rate"),
          PresetField.of("training.min_lr", "Training", Double.class, "Learning rate at the end"),
          PresetField.choice(
              "training.schedule", "Training", "Decay after warmup", spellings(Schedule.values())),
          PresetField.of("training.warmup_steps", "Training", Integer.class, "Linear warmup steps"),
          PresetField.of(
              "training.weight_decay", "Training", Double.class, "Decoupled weight decay"),
          PresetField.of(
              "training.clip", "Training", Double.class, "Global gradient-norm limit (0: off)"),
          PresetField.choice(
              "training.precision", "Training", "Number format", spellings(Precision.values())),
          PresetField.of(
              "training.activation_checkpointing",
              "Training",
              Boolean.class,
              "Recompute layers in backward"),
          PresetField.of(
              "training.eval_every", "Training", Integer.class, "Steps between evaluations"),
          PresetField.of(
              "training.checkpoint_every", "Training", Integer.class, "Steps between checkpoints"),
          PresetField.of(
              "training.keep_last",
              "Training",
              Integer.class,
              "Checkpoints kept besides the best"));

  static final List<PresetField> DATA =
      List.of(
          PresetField.of(
              "data.fim_rate",
              "Data",
              Double.class,
              "Share of documents in fill-in-the-middle form"),
          PresetField.of("data.val_fraction", "Data", Double.class, "Share of files held out"),
          PresetField.of("data.max_tokens", "Data", Integer.class, "Longest sample"));

  static final List<PresetField> HARDWARE =
      List.of(
          PresetField.choice("hardware.device", "Hardware", "Where it runs", "cpu", "cuda", "mps"),
          PresetField.of("hardware.count", "Hardware", Integer.class, "Devices per node"),
          PresetField.of("hardware.nodes", "Hardware", Integer.class, "Machines"),
          PresetField.of(
              "hardware.memory_gb", "Hardware", Double.class, "Memory of one device, GB"),
          PresetField.of(
              "hardware.zero_stage", "Hardware", Integer.class, "DeepSpeed ZeRO stage 0–3"),
          PresetField.of(
              "hardware.offload_optimizer",
              "Hardware",
              Boolean.class,
              "Optimizer state in host RAM"),
          PresetField.of(
              "hardware.price_per_device_hour", "Hardware", Double.class, "For cost estimates"));

  /** The values of a preset vocabulary enum as preset files spell them (its toString). */
  private static String[] spellings(Enum<?>[] values) {
    return Arrays.stream(values).map(Object::toString).toArray(String[]::new);
  }

  /** The fields that apply to a preset with or without experts and adapters. */
  static List<PresetField> forPreset(boolean moe, boolean lora) {
    List<PresetField> out = new ArrayList<>(MODEL);
    if (moe) out.addAll(MOE);
    if (lora) out.addAll(LORA);
    out.addAll(TRAINING);
    out.addAll(DATA);
    out.addAll(HARDWARE);
    return out;
  }
}
