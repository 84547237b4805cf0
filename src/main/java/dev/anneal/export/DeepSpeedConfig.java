package dev.anneal.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.anneal.preset.HardwareSpec;
import dev.anneal.preset.Precision;
import dev.anneal.preset.Preset;
import dev.anneal.preset.TrainingSpec;

/**
 * The DeepSpeed JSON for a preset: ZeRO stage, offload, bucket sizes, batch, clipping, precision.
 *
 * <p>Every value is an explicit number from the preset, none {@code "auto"}: the file reads on its
 * own, and the HF Trainer still checks each one against its arguments (which train.py takes from
 * the same preset) and stops on a mismatch. Where the preset is silent, the values are those of
 * DeepSpeed's and Hugging Face's own guidance:
 *
 * <ul>
 *   <li>ZeRO-1/2: 5e8-element all-gather and reduce buckets, overlapped communication and
 *       contiguous gradients (seed 003's ZeRO-2 file).
 *   <li>ZeRO-3: what HF's {@code "auto"} would compute from the hidden width C: reduce bucket C²,
 *       prefetch bucket 0.9·C², parameters under 10·C elements kept whole; max live parameters and
 *       reuse distance from the preset (seed 000: 3e9 standard, 3e8 resource-saver); 16-bit weights
 *       gathered on save so {@code save_pretrained} writes whole tensors.
 *   <li>Optimizer offload needs DeepSpeed's own CPU Adam, so an {@code optimizer} section with the
 *       preset's AdamW settings appears exactly then; otherwise the Trainer's AdamW and schedule
 *       run, as they do without DeepSpeed.
 * </ul>
 */
public final class DeepSpeedConfig {
  static final long BUCKET = 500_000_000L;

  private DeepSpeedConfig() {}

  /** The DeepSpeed JSON for {@code preset} on {@code gpus} per node × {@code nodes}. */
  public static ObjectNode of(Preset preset, int gpus, int nodes) {
    TrainingSpec t = preset.training();
    HardwareSpec h = preset.hardware();
    ObjectNode ds = new ObjectMapper().createObjectNode();
    ds.put("train_batch_size", (long) t.microBatch() * t.accumulation() * gpus * nodes);
    ds.put("train_micro_batch_size_per_gpu", t.microBatch());
    ds.put("gradient_accumulation_steps", t.accumulation());
    ds.put("gradient_clipping", t.clip());
    ds.put("steps_per_print", t.logEvery());
    boolean bf16 = t.precision().bfloat16();
    ds.putObject("bf16").put("enabled", bf16);
    ObjectNode fp16 = ds.putObject("fp16").put("enabled", t.precision() == Precision.FP16);
    if (t.precision() == Precision.FP16) fp16.put("loss_scale", 0).put("initial_scale_power", 16);
    ds.set("zero_optimization", zero(preset));
    if (h.offloadOptimizer()) {
      ObjectNode params = ds.putObject("optimizer").put("type", "AdamW").putObject("params");
      params.put("lr", t.lr());
      params.putArray("betas").add(t.beta1()).add(t.beta2());
      params.put("eps", t.eps()).put("weight_decay", t.weightDecay());
    }
    if (h.cpuCheckpointing()) {
      ds.putObject("activation_checkpointing")
          // DeepSpeed moves to CPU only partitioned activations; HF models checkpoint through
          // torch, so train.py keeps them in host memory itself (see its AnnealTrainer).
          .put("partition_activations", true)
          .put("cpu_checkpointing", true)
          .put("contiguous_memory_optimization", false)
          .put("synchronize_checkpoint_boundary", false);
    }
    ds.put("wall_clock_breakdown", false);
    return ds;
  }

  private static ObjectNode zero(Preset preset) {
    HardwareSpec h = preset.hardware();
    ObjectNode z = new ObjectMapper().createObjectNode();
    int stage = h.zeroStage();
    z.put("stage", stage);
    if (stage == 0) return z;
    if (h.offloadOptimizer()) {
      z.putObject("offload_optimizer").put("device", "cpu").put("pin_memory", h.pinMemory());
    }
    if (stage < 3) {
      z.put("allgather_partitions", true)
          .put("allgather_bucket_size", BUCKET)
          .put("reduce_scatter", true)
          .put("reduce_bucket_size", BUCKET)
          .put("overlap_comm", true)
          .put("contiguous_gradients", true);
      return z;
    }
    if (h.offloadParams()) {
      z.putObject("offload_param").put("device", "cpu").put("pin_memory", h.pinMemory());
    }
    long c = preset.model().hidden();
    long maxLive = Math.round(h.maxLiveParameters());
    z.put("overlap_comm", true)
        .put("contiguous_gradients", true)
        .put("sub_group_size", 1_000_000_000L)
        .put("reduce_bucket_size", c * c)
        .put("stage3_prefetch_bucket_size", Math.round(0.9 * c * c))
        .put("stage3_param_persistence_threshold", 10 * c)
        .put("stage3_max_live_parameters", maxLive)
        .put("stage3_max_reuse_distance", maxLive)
        .put("stage3_gather_16bit_weights_on_model_save", true);
    return z;
  }
}
