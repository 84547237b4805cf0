package dev.anneal.preset.estimate;

import dev.anneal.preset.HardwareSpec;
import dev.anneal.preset.LoraSpec;
import dev.anneal.preset.ModelSpec;
import dev.anneal.preset.PhasePlan;
import dev.anneal.preset.Precision;
import dev.anneal.preset.Preset;
import dev.anneal.preset.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Parameters, memory per device, throughput, time and cost of a preset on its hardware, with what
 * would make it fit when it does not.
 *
 * <p>Memory follows the ZeRO paper's accounting (Rajbhandari et al. 2020): with mixed precision, 2
 * bytes of weights and 2 of gradients per parameter and 12 of optimizer state (fp32 master copy,
 * Adam's m and v); in fp32, 4 + 4 + 8. ZeRO-1 shards the optimizer state over the devices, ZeRO-2
 * also the gradients, ZeRO-3 also the weights; offload moves the optimizer state (and with ZeRO-3
 * the weights) to host RAM. Frozen base weights under LoRA need no gradients or optimizer state.
 */
public final class Estimator {
  private Estimator() {}

  public static Estimate estimate(Preset p) {
    Estimate e = core(p);
    if (e.fits()) return e;
    return new Estimate(
        e.params(),
        e.memory(),
        e.hostBytes(),
        e.capacityBytes(),
        false,
        e.tokensPerStep(),
        e.flopsPerToken(),
        e.steps(),
        e.tokensPerSecond(),
        e.measured(),
        e.seconds(),
        e.cost(),
        suggestions(p));
  }

  private static Estimate core(Preset p) {
    ModelSpec m = p.model();
    TrainingSpec t = p.training();
    HardwareSpec h = p.hardware();
    ParameterCount n = ParameterCount.of(m, p.lora());
    int devices = h.totalDevices();
    int zero = h.zeroStage();
    boolean sixteenBit = t.precision() == Precision.BF16 || t.precision() == Precision.FP16;
    int weightBytes = sixteenBit ? 2 : 4;
    int optimizerBytes = sixteenBit ? 12 : 8;
    int activationBytes = t.precision() == Precision.FP32 ? 4 : 2;

    long base = n.total() - n.lora();
    double weights = (double) base * weightBytes / (zero == 3 ? devices : 1);
    double lora = (double) n.lora() * weightBytes / (zero == 3 ? devices : 1);
    double gradients = (double) n.trainable() * weightBytes / (zero >= 2 ? devices : 1);
    double optimizer = (double) n.trainable() * optimizerBytes / (zero >= 1 ? devices : 1);
    double host = 0;
    if (h.offloadOptimizer()) {
      host += optimizer * h.count();
      optimizer = 0;
    }
    if (h.offloadParams()) {
      host += weights * h.count();
      weights = 0;
    }
    // With phases, memory is that of the phase holding the most activations, and time the sum of
    // the phases' times; the per-step figures reported are the first phase's.
    PhasePlan plan = PhasePlan.of(p);
    ActivationMemory act = null;
    for (PhasePlan.Phase ph : plan.phases()) {
      ActivationMemory a =
          ActivationMemory.of(
              m,
              ph.microBatch(),
              ph.seqLen(),
              activationBytes,
              t.activationCheckpointing(),
              h.cpuCheckpointing(),
              t.flashAttention());
      if (act == null || a.onDevice() > act.onDevice()) act = a;
    }
    host += act.hostStored() * h.count();
    double overhead = DeviceCatalog.overheadBytes(h.device());
    if (zero == 3) overhead += Math.min(h.maxLiveParameters(), base) * weightBytes;
    Estimate.Memory memory =
        new Estimate.Memory(weights, gradients, optimizer, act.onDevice(), lora, overhead);
    if (h.device().equals("cpu")) host = memory.total();
    double capacity = h.memoryGb() * 1e9;

    boolean measured = h.tokensPerSecond() != null;
    double seconds = 0;
    for (PhasePlan.Phase ph : plan.phases()) {
      seconds += ph.steps() * ph.tokensPerStep() * devices / tokensPerSecond(p, n, ph.seqLen());
    }
    PhasePlan.Phase first = plan.phases().getFirst();
    long tokensPerStep = first.tokensPerStep() * devices;
    double flopsPerToken = flopsPerToken(m, n, first.seqLen());
    double tps = tokensPerSecond(p, n, first.seqLen());
    Double cost =
        h.pricePerDeviceHour() == null ? null : seconds / 3600 * devices * h.pricePerDeviceHour();
    return new Estimate(
        n,
        memory,
        host,
        capacity,
        memory.total() <= capacity,
        tokensPerStep,
        flopsPerToken,
        plan.totalSteps(),
        tps,
        measured,
        seconds,
        cost,
        List.of());
  }

  /**
   * Training FLOPs per token at sequence length {@code seq}: 6N (4N for frozen weights) plus
   * attention.
   */
  /** Training FLOPs per token of a preset's model at sequence length {@code seq}. */
  public static double flopsPerToken(Preset p, int seq) {
    return flopsPerToken(p.model(), ParameterCount.of(p.model(), p.lora()), seq);
  }

  private static double flopsPerToken(ModelSpec m, ParameterCount n, int seq) {
    double attentionFlops = 12.0 * m.layers() * m.queryWidth() * seq;
    return 4.0 * n.matmul() + 2.0 * n.trainableMatmul() + attentionFlops;
  }

  /** Tokens per second of all devices: measured, or their peak at the assumed MFU. */
  private static double tokensPerSecond(Preset p, ParameterCount n, int seq) {
    HardwareSpec h = p.hardware();
    if (h.tokensPerSecond() != null) return h.tokensPerSecond();
    return h.totalDevices()
        * DeviceCatalog.peakFlops(h.device(), h.gpuModel(), p.training().precision())
        * (h.mfu() != null ? h.mfu() : DeviceCatalog.assumedMfu(h.device()))
        / flopsPerToken(p.model(), n, seq);
  }

  /**
   * Single changes that make the preset fit; if none does alone, the first combination that does.
   */
  private static List<String> suggestions(Preset p) {
    record Change(String label, UnaryOperator<Preset> apply) {}
    TrainingSpec t = p.training();
    HardwareSpec h = p.hardware();
    List<Change> changes = new ArrayList<>();
    if (t.microBatch() > 1) {
      changes.add(
          new Change(
              "micro batch 1 with accumulation " + t.accumulation() * t.microBatch(),
              q ->
                  q.withTraining(
                      q.training().with(1, t.accumulation() * t.microBatch(), null, null))));
    }
    if (!t.activationCheckpointing()) {
      changes.add(
          new Change(
              "activation checkpointing",
              q -> q.withTraining(q.training().with(null, null, null, true))));
    }
    if (t.precision() == Precision.FP32 && !h.device().equals("cpu")) {
      changes.add(
          new Change(
              "bf16 mixed precision",
              q -> q.withTraining(q.training().with(null, null, Precision.BF16, null))));
    }
    boolean cuda = h.device().equals("cuda");
    if (cuda && h.totalDevices() > 1 && h.zeroStage() < 3) {
      changes.add(
          new Change(
              "ZeRO-3 across the " + h.totalDevices() + " GPUs",
              q -> q.withHardware(q.hardware().withZero(3, q.hardware().offloadOptimizer()))));
    }
    if (cuda && !h.offloadOptimizer()) {
      int stage = Math.max(h.zeroStage(), 2);
      changes.add(
          new Change(
              "ZeRO-" + stage + " with the optimizer offloaded to CPU",
              q ->
                  q.withHardware(
                      q.hardware().withZero(Math.max(q.hardware().zeroStage(), 2), true))));
    }
    if (!p.usesLora()) {
      changes.add(
          new Change(
              "LoRA r=16 on q/k/v/o instead of full training",
              q ->
                  q.withLora(
                      new LoraSpec(16, 32.0, 0.05, attentionTargets(q.model()), List.of(), true))));
    }
    List<String> out = new ArrayList<>();
    for (Change c : changes) {
      Estimate e = core(c.apply().apply(p));
      if (e.fits()) out.add(c.label() + ": " + gbText(e.memory().total()) + " per device");
    }
    if (cuda) {
      Preset zero3 = p.withHardware(h.withZero(3, h.offloadOptimizer()));
      for (int gpus = Math.max(2, h.totalDevices() * 2); gpus <= 512; gpus *= 2) {
        Estimate e =
            core(
                zero3.withHardware(
                    zero3.hardware().withDevices(Math.min(gpus, 8), Math.max(1, gpus / 8))));
        if (e.fits()) {
          out.add(gpus + " GPUs with ZeRO-3: " + gbText(e.memory().total()) + " per device");
          break;
        }
      }
    }
    if (!out.isEmpty()) return out;
    Preset combined = p;
    List<String> labels = new ArrayList<>();
    for (Change c : changes) {
      combined = c.apply().apply(combined);
      labels.add(c.label());
      Estimate e = core(combined);
      if (e.fits()) {
        return List.of(
            String.join(" + ", labels) + ": " + gbText(e.memory().total()) + " per device");
      }
    }
    Estimate e = core(combined);
    return List.of(
        "nothing tried fits one device; with "
            + String.join(" + ", labels)
            + " it needs "
            + gbText(e.memory().total())
            + " per device: use a smaller model or export a scale-out bundle");
  }

  private static List<String> attentionTargets(ModelSpec m) {
    return m.family() == dev.anneal.preset.Family.GPT2
        ? List.of("c_attn")
        : List.of("q_proj", "k_proj", "v_proj", "o_proj");
  }

  /** Peak FLOP/s of one device of this hardware in this precision (for MFU). */
  public static double peakFlops(HardwareSpec h, Precision precision) {
    return DeviceCatalog.peakFlops(h.device(), h.gpuModel(), precision);
  }

  static String gbText(double bytes) {
    return String.format(Locale.ROOT, "%.1f GB", Estimate.gb(bytes));
  }
}
