package dev.anneal.export;

import dev.anneal.preset.HardwareSpec;
import dev.anneal.preset.Preset;
import dev.anneal.preset.TrainingSpec;
import java.util.List;

/** The README.md of a bundle: what it trains, on what, how to start it and watch it. */
final class BundleReadme {
  private BundleReadme() {}

  static String of(
      Preset p, BundleData data, String baseModel, int gpus, int nodes, List<String> warnings) {
    TrainingSpec t = p.training();
    HardwareSpec h = p.hardware();
    long effective = (long) t.microBatch() * t.accumulation() * gpus * nodes;
    String zero =
        "ZeRO-"
            + h.zeroStage()
            + (h.offloadOptimizer()
                ? ", optimizer offloaded to " + (h.pinMemory() ? "pinned " : "") + "CPU memory"
                : "")
            + (h.offloadParams() ? ", parameters offloaded to CPU" : "")
            + (h.cpuCheckpointing() ? ", activation checkpoints in CPU memory" : "");
    String what =
        p.usesLora()
            ? "LoRA r="
                + p.lora().rank()
                + " on "
                + String.join(", ", p.lora().targets())
                + (p.lora().exclude().isEmpty()
                    ? ""
                    : " (never in " + String.join(", ", p.lora().exclude()) + ")")
                + " of "
                + (baseModel != null
                    ? "`" + baseModel + "`"
                    : "the model given with `--base-model`")
            : "a " + p.model().hfModelType() + " model trained from scratch (`model/config.json`)";
    StringBuilder s = new StringBuilder();
    s.append("# ").append(p.name()).append(" — DeepSpeed bundle\n\n");
    s.append(p.description() == null ? "" : p.description() + "\n\n");
    s.append("Exported by `anneal export deepspeed`. Trains ")
        .append(what)
        .append(" for ")
        .append(t.steps())
        .append(" steps on ")
        .append(gpus)
        .append(" GPU(s) per node × ")
        .append(nodes)
        .append(" node(s): micro batch ")
        .append(t.microBatch())
        .append(" × ")
        .append(t.accumulation())
        .append(" accumulation × ")
        .append(gpus * nodes)
        .append(" GPUs = ")
        .append(effective)
        .append(" sequences of ")
        .append(t.seqLenOr(p.model().context()))
        .append(" tokens per step; ")
        .append(zero)
        .append("; ")
        .append(t.precision())
        .append(".\n\n");
    s.append(
        """
        ## Files

        | file | what |
        | --- | --- |
        | `train.py` | Transformers + PEFT training script; reads `train_config.json` |
        | `train_config.json` | the preset's values: model, LoRA, optimizer, schedule, intervals |
        | `ds_config.json` | DeepSpeed: ZeRO stage, offload, buckets, batch, clipping, precision |
        | `launch.sh` | starts `train.py` under `deepspeed` (or `torchrun`) |
        | `requirements.txt` | pinned Python packages |
        | `preset.yaml` | the preset as exported |
        | `data/` | the dataset (%s) |
        """
            .formatted(String.join(", ", data.files())));
    if (!p.usesLora()) s.append("| `model/config.json` | the architecture, for `from_config` |\n");
    if (nodes > 1) s.append("| `hostfile` | the nodes and their GPUs: put real host names in |\n");
    s.append(
        """

        ## Run

        ```bash
        python3 -m venv .venv && . .venv/bin/activate
        pip install -r requirements.txt
        pip install flash-attn --no-build-isolation   # optional: else PyTorch's SDPA attention
        ./launch.sh                                   # options after it go to train.py
        ```

        `python3 train.py --max-steps 20` runs the same script on one GPU without DeepSpeed, as a
        smoke test. `./launch.sh --resume` continues from the newest `checkpoint-N/`.

        ## Watch

        The script appends Anneal's `metrics.jsonl` and `events.jsonl` to its output folder
        (`outputs/%s/`) besides the Trainer's own logs. From Anneal, on the cluster or on a
        machine that mounts the folder:

        ```bash
        anneal attach outputs/%s
        ```

        Checkpoints (`checkpoint-N/`) and the final model (`final/`) are %s, which
        Anneal's Compare view loads.

        ## How it differs from an in-process Anneal run

        - Anneal's own safety nets (NaN-step skipping, loss-spike rollback) are not part of the
          HF Trainer; a diverging run shows in the charts and is stopped by hand.
        - The Trainer's AdamW decays every weight except biases and norms (Anneal spares the
          embeddings too).
        - `tokens` in metrics.jsonl counts sequences × sequence length, padding included.
        """
            .formatted(
                p.name(),
                p.name(),
                p.usesLora()
                    ? "PEFT adapters (`adapter_config.json`, `adapter_model.safetensors`)"
                    : "Hugging Face folders (`config.json`, `model.safetensors`)"));
    for (String w : warnings) s.append("- ").append(w).append('\n');
    return s.toString();
  }
}
