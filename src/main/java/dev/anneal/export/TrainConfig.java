package dev.anneal.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.Balancing;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.TrainingSpec;
import dev.anneal.preset.estimate.ParameterCount;
import java.util.List;
import java.util.Map;

/**
 * {@code train_config.json}: the preset as train.py reads it. Keys are those of the Python script,
 * values the preset's resolved numbers (steps and warmup already worked out).
 */
final class TrainConfig {
  /** Base models of the seeds whose presets fine-tune one. */
  static final Map<String, String> SEED_BASE_MODELS =
      Map.of(
          "000_", "Kwaipilot/KAT-Dev-72B-Exp",
          "001_", "mistralai/Mixtral-8x7B-v0.1");

  private TrainConfig() {}

  /** The base model to fine-tune: the one asked for, else the seed's, else null. */
  static String baseModel(Preset p, String requested) {
    if (requested != null) return requested;
    if (!p.usesLora() || p.source() == null) return null;
    return SEED_BASE_MODELS.entrySet().stream()
        .filter(e -> p.source().startsWith(e.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  static ObjectNode of(
      Preset p, BundleData data, String baseModel, int gpus, int nodes, List<String> warnings) {
    ObjectNode c = new ObjectMapper().createObjectNode();
    ModelSpec m = p.model();
    c.put("preset", p.name());
    c.put("source", p.source());
    c.put("mode", p.usesLora() ? "lora" : "full");
    c.put("gpus", gpus).put("nodes", nodes);
    ObjectNode model = c.putObject("model");
    model.put("model_type", m.hfModelType());
    if (p.usesLora()) {
      model.put("base_model", baseModel);
    } else {
      model.put("config_dir", "model");
    }
    if (p.usesLora()) lora(c.putObject("lora"), p.lora());
    if (m.hasExperts()) {
      c.putObject("moe")
          .put("balancing", m.moe().balancing().toString())
          .put(
              "aux_loss_weight",
              m.moe().balancing() == Balancing.AUX_LOSS ? m.moe().auxLossWeight() : 0.0);
    }
    training(c.putObject("training"), p.training(), m, p.hardware().cpuCheckpointing());
    ObjectNode d = c.putObject("data");
    d.put("dir", "data").put("format", data.format());
    d.put("tokenizer_file", data.files().contains("tokenizer.json") ? "data/tokenizer.json" : null);
    d.put("tokenizer", p.data().tokenizer());
    d.put("val_fraction", p.data().valFraction());
    ParameterCount count = ParameterCount.of(m, p.lora());
    // Forward 2N, backward 2N for activations plus 2N for the weights that learn.
    c.put("flops_per_token", 4.0 * count.matmul() + 2.0 * count.trainableMatmul());
    c.put("price_per_device_hour", p.hardware().pricePerDeviceHour());
    warn(p, data, baseModel, warnings);
    return c;
  }

  private static void lora(ObjectNode l, LoraSpec lora) {
    l.put("rank", lora.rank()).put("alpha", lora.alpha()).put("dropout", lora.dropout());
    lora.targets().forEach(l.putArray("target_modules")::add);
    lora.exclude().forEach(l.putArray("exclude_modules")::add);
    l.put("freeze_router", lora.freezeRouter());
  }

  private static void training(ObjectNode t, TrainingSpec s, ModelSpec m, boolean cpuCheckpoints) {
    t.put("steps", s.steps());
    t.put("micro_batch", s.microBatch()).put("accumulation", s.accumulation());
    t.put("seq_len", s.seqLenOr(m.context()));
    t.put("lr", s.lr()).put("min_lr", s.minLr()).put("schedule", s.schedule().toString());
    t.put("warmup_steps", s.warmupSteps());
    t.put("weight_decay", s.weightDecay());
    t.put("beta1", s.beta1()).put("beta2", s.beta2()).put("eps", s.eps());
    t.put("clip", s.clip());
    t.put("precision", s.precision().toString());
    t.put("gradient_checkpointing", s.activationCheckpointing() || cpuCheckpoints);
    t.put("cpu_checkpointing", cpuCheckpoints);
    t.put("flash_attention", s.flashAttention());
    t.put("packing", s.packing());
    t.put("log_every", s.logEvery()).put("eval_every", s.evalEvery());
    t.put("checkpoint_every", s.checkpointEvery()).put("keep_last", s.keepLast());
    t.put("seed", s.seed());
  }

  private static void warn(Preset p, BundleData data, String baseModel, List<String> warnings) {
    TrainingSpec t = p.training();
    int seqLen = t.seqLenOr(p.model().context());
    if (data.seqLen() != null && data.seqLen() != seqLen) {
      warnings.add(
          "data: the shards were packed for seq_len "
              + data.seqLen()
              + "; training"
              + " uses the preset's "
              + seqLen
              + ", so windows cross the packed boundaries");
    }
    if (!p.usesLora() && data.vocabSize() != null && data.vocabSize() > p.model().vocab()) {
      throw new IllegalArgumentException(
          data.dir().resolve("meta.json")
              + ": vocab_size "
              + data.vocabSize()
              + " exceeds the preset's model.vocab "
              + p.model().vocab());
    }
    if (p.usesLora() && data.format().equals("tokens")) {
      warnings.add("data: token shards must have been made with the base model's tokenizer");
    }
    if (p.usesLora() && baseModel == null) {
      warnings.add("lora: no default base model for this preset; pass --base-model to train.py");
    }
    if (!p.usesLora()
        && data.format().equals("samples")
        && !data.files().contains("tokenizer.json")
        && p.data().tokenizer() == null) {
      throw new IllegalArgumentException(
          data.dir()
              + ": samples.jsonl without tokenizer.json,"
              + " and the preset names no data.tokenizer: a model trained from scratch needs one");
    }
    if (t.lossClamp() != null) {
      warnings.add("training.loss_clamp: the HF Trainer has no loss clamping; not applied");
    }
  }
}
