package dev.anneal.preset;

import dev.anneal.model.io.ModuleNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The rules a preset must keep, field by field and across fields. */
final class PresetValidator {
  private static final Set<String> DEVICES = Set.of("cpu", "cuda", "mps");

  private final List<PresetProblem> problems = new ArrayList<>();

  private PresetValidator() {}

  static List<PresetProblem> validate(Preset p) {
    PresetValidator v = new PresetValidator();
    v.check(p);
    return v.problems;
  }

  private void check(Preset p) {
    if (p.name() == null || !p.name().matches("[a-z0-9][a-z0-9._-]*")) {
      fail("name", "required: lower-case letters, digits, '.', '_' or '-'");
    }
    if (p.model() == null) {
      fail("model", "required section is missing");
      return;
    }
    if (!model(p.model())) return; // later rules need a sound model
    if (p.lora() != null) lora(p.model(), p.lora());
    training(p.model(), p.training());
    data(p.data());
    hardware(p.hardware());
  }

  private boolean model(ModelSpec m) {
    int before = problems.size();
    if (m.family() == null) fail("model.family", "required: gpt2 or llama");
    positive("model.layers", m.layers());
    positive("model.hidden", m.hidden());
    positive("model.heads", m.heads());
    positive("model.kv_heads", m.kvHeads());
    positive("model.head_dim", m.headDim());
    positive("model.intermediate", m.intermediate());
    positive("model.vocab", m.vocab());
    positive("model.context", m.context());
    if (problems.size() > before) return false;
    if (m.hidden() % m.heads() != 0) {
      fail("model.heads", m.heads() + " heads do not divide hidden " + m.hidden());
    }
    if (m.heads() % m.kvHeads() != 0) {
      fail("model.kv_heads", m.kvHeads() + " KV heads do not divide " + m.heads() + " heads");
    }
    if (m.position() == Position.ROPE && m.headDim() % 2 != 0) {
      fail("model.head_dim", "RoPE needs an even head size, got " + m.headDim());
    }
    if (!(m.normEps() > 0)) fail("model.norm_eps", "must be > 0");
    if (m.dropout() < 0 || m.dropout() >= 1) fail("model.dropout", "must be in [0, 1)");
    if (!(m.initStd() > 0)) fail("model.init_std", "must be > 0");
    if (!(m.ropeTheta() > 0)) fail("model.rope_theta", "must be > 0");
    if (m.ropeScaling() != null) {
      if (m.position() != Position.ROPE) {
        fail("model.rope_scaling", "only applies with position: rope");
      }
      PhaseRules.ropeScaling("model.rope_scaling", m, m.ropeScaling(), this::fail);
    }
    if (m.moe() != null) moe(m.moe());
    return problems.size() == before;
  }

  private void moe(MoeSpec moe) {
    if (positive("model.moe.experts", moe.experts())
        && positive("model.moe.experts_per_token", moe.expertsPerToken())
        && moe.expertsPerToken() > moe.experts()) {
      fail(
          "model.moe.experts_per_token",
          moe.expertsPerToken() + " experts per token exceeds " + moe.experts() + " experts");
    }
    if (moe.sharedExperts() < 0) fail("model.moe.shared_experts", "must be >= 0");
    if (moe.expertIntermediate() != null)
      positive("model.moe.expert_intermediate", moe.expertIntermediate());
    if (moe.auxLossWeight() < 0) fail("model.moe.aux_loss_weight", "must be >= 0");
    if (moe.biasUpdateRate() < 0) fail("model.moe.bias_update_rate", "must be >= 0");
    if (positive("model.moe.groups", moe.groups())
        && moe.experts() != null
        && moe.experts() % moe.groups() != 0) {
      fail(
          "model.moe.groups", moe.groups() + " groups do not divide " + moe.experts() + " experts");
    }
    if (positive("model.moe.topk_groups", moe.topkGroups()) && moe.topkGroups() > moe.groups()) {
      fail("model.moe.topk_groups", "exceeds groups " + moe.groups());
    }
  }

  private void lora(ModelSpec m, LoraSpec l) {
    positive("lora.rank", l.rank());
    if (l.alpha() == null || !(l.alpha() > 0)) fail("lora.alpha", "must be > 0");
    if (l.dropout() < 0 || l.dropout() >= 1) fail("lora.dropout", "must be in [0, 1)");
    Map<String, List<ModuleNames.Projection>> known = ModuleNames.of(m);
    if (l.targets().isEmpty())
      fail("lora.targets", "name at least one projection: " + known.keySet());
    for (int i = 0; i < l.targets().size(); i++) {
      String t = l.targets().get(i);
      if (!known.containsKey(t)) {
        fail(
            "lora.targets[" + i + "]",
            "'"
                + t
                + "' is not a projection of this "
                + m.hfModelType()
                + " model; it has "
                + String.join(", ", known.keySet()));
      }
    }
    for (int i = 0; i < l.exclude().size(); i++) {
      String x = l.exclude().get(i);
      if (!known.containsKey(x) && !ModuleNames.CONTAINERS.contains(x)) {
        fail("lora.exclude[" + i + "]", "'" + x + "' names no module of this model");
      }
    }
    if (!l.targets().isEmpty() && problems.isEmpty() && ModuleNames.adapted(m, l).isEmpty()) {
      fail("lora.exclude", "excludes every target: nothing would train");
    }
  }

  private void training(ModelSpec m, TrainingSpec t) {
    positive("training.steps", t.steps());
    positive("training.micro_batch", t.microBatch());
    positive("training.accumulation", t.accumulation());
    if (t.seqLen() != null
        && positive("training.seq_len", t.seqLen())
        && t.seqLen() > m.context()) {
      fail("training.seq_len", t.seqLen() + " exceeds the model's context " + m.context());
    }
    if (!(t.lr() > 0)) fail("training.lr", "must be > 0");
    if (t.minLr() < 0 || t.minLr() > t.lr()) fail("training.min_lr", "must be in [0, lr]");
    if (t.warmupSteps() < 0 || t.warmupSteps() > t.steps()) {
      fail("training.warmup_steps", "must be between 0 and steps (" + t.steps() + ")");
    }
    if (t.warmupRatio() != null && (t.warmupRatio() < 0 || t.warmupRatio() >= 1)) {
      fail("training.warmup_ratio", "must be in [0, 1)");
    }
    if (t.weightDecay() < 0) fail("training.weight_decay", "must be >= 0");
    if (t.beta1() < 0 || t.beta1() >= 1) fail("training.beta1", "must be in [0, 1)");
    if (t.beta2() < 0 || t.beta2() >= 1) fail("training.beta2", "must be in [0, 1)");
    if (!(t.eps() > 0)) fail("training.eps", "must be > 0");
    if (t.clip() < 0) fail("training.clip", "must be >= 0 (0 turns clipping off)");
    positive("training.log_every", t.logEvery());
    positive("training.eval_every", t.evalEvery());
    positive("training.checkpoint_every", t.checkpointEvery());
    positive("training.keep_last", t.keepLast());
    if (t.lossClamp() != null && !(t.lossClamp() > 0)) fail("training.loss_clamp", "must be > 0");
    if (!(t.spikeFactor() > 1)) fail("training.spike_factor", "must be > 1");
    if (!(t.spikeLrCut() > 0 && t.spikeLrCut() <= 1)) {
      fail("training.spike_lr_cut", "must be in (0, 1]");
    }
    if (t.maxRollbacks() < 0) fail("training.max_rollbacks", "must be >= 0");
    if (problems.isEmpty()) PhaseRules.check(m, t, this::fail);
  }

  private void data(DataSpec d) {
    positive("data.max_tokens", d.maxTokens());
    unit("data.fim_rate", d.fimRate());
    unit("data.fim_spm_rate", d.fimSpmRate());
    if (d.valFraction() < 0 || d.valFraction() > 0.5)
      fail("data.val_fraction", "must be in [0, 0.5]");
    if (!(d.nearDup() > 0 && d.nearDup() <= 1)) fail("data.near_dup", "must be in (0, 1]");
  }

  private void hardware(HardwareSpec h) {
    oneOf("hardware.device", h.device(), DEVICES);
    positive("hardware.count", h.count());
    positive("hardware.nodes", h.nodes());
    if (!(h.memoryGb() > 0)) fail("hardware.memory_gb", "must be > 0");
    if (h.zeroStage() < 0 || h.zeroStage() > 3) fail("hardware.zero_stage", "must be 0, 1, 2 or 3");
    if (!h.device().equals("cuda") && h.zeroStage() > 0) {
      fail("hardware.zero_stage", "ZeRO needs device: cuda");
    }
    if (!h.device().equals("cuda") && h.totalDevices() > 1) {
      fail("hardware.count", "more than one " + h.device() + " device is not supported");
    }
    if (h.offloadOptimizer() && h.zeroStage() < 1) {
      fail("hardware.offload_optimizer", "needs zero_stage 1 or higher");
    }
    if (h.offloadParams() && h.zeroStage() != 3) {
      fail("hardware.offload_params", "needs zero_stage 3");
    }
    if (!(h.maxLiveParameters() > 0)) fail("hardware.max_live_parameters", "must be > 0");
    if (h.pricePerDeviceHour() != null && h.pricePerDeviceHour() < 0) {
      fail("hardware.price_per_device_hour", "must be >= 0");
    }
    if (h.tokensPerSecond() != null && !(h.tokensPerSecond() > 0)) {
      fail("hardware.tokens_per_second", "must be > 0");
    }
    if (h.mfu() != null && !(h.mfu() > 0 && h.mfu() <= 1))
      fail("hardware.mfu", "must be in (0, 1]");
  }

  private boolean positive(String field, Integer v) {
    if (v == null) {
      fail(field, "required: a positive whole number");
      return false;
    }
    if (v <= 0) {
      fail(field, "must be > 0, got " + v);
      return false;
    }
    return true;
  }

  private void unit(String field, Double v) {
    if (v < 0 || v > 1) fail(field, "must be in [0, 1], got " + v);
  }

  private void oneOf(String field, String v, Set<String> allowed) {
    if (!allowed.contains(v)) {
      fail(
          field,
          "'" + v + "' is not one of " + String.join(", ", allowed.stream().sorted().toList()));
    }
  }

  private void fail(String field, String message) {
    problems.add(new PresetProblem(field, message));
  }
}
