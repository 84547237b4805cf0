#!/usr/bin/env python3
"""Trains the preset this bundle was exported from, with Hugging Face Transformers + PEFT,
on one GPU or, through DeepSpeed, on many (see launch.sh).

Every number comes from train_config.json (written by `anneal export deepspeed`) and, for
DeepSpeed, from ds_config.json; the two agree, and the Trainer checks that they do.

Besides the Trainer's own logs it appends Anneal's metrics.jsonl and events.jsonl to the output
folder, so `anneal attach OUTPUT_DIR` and the studio chart the run as it goes. Checkpoints
(checkpoint-N/) and the final model (final/) are Hugging Face folders, or PEFT adapters for
LoRA presets, which Anneal's Compare view loads.
"""

import argparse
import hashlib
import importlib.util
import inspect
import json
import math
import os
import sys
import time
from datetime import datetime, timezone

import numpy as np
import torch
from torch.utils.data import Dataset
from transformers import (
    AutoConfig,
    AutoModelForCausalLM,
    AutoTokenizer,
    PreTrainedTokenizerFast,
    Trainer,
    TrainerCallback,
    TrainingArguments,
    set_seed,
)

HERE = os.path.dirname(os.path.abspath(__file__))

# Dense 16-bit peak TFLOP/s by device name, for MFU (most specific first); --peak-tflops overrides.
PEAK_TFLOPS = [("H200", 989.0), ("H100 PCIe", 756.0), ("H100 NVL", 835.0), ("H100", 989.0),
               ("A100", 312.0), ("L40S", 362.0), ("L4", 121.0), ("A10", 125.0), ("4090", 165.0),
               ("5090", 209.0), ("3090", 71.0)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--config", default=os.path.join(HERE, "train_config.json"))
    p.add_argument("--deepspeed", default=None,
                   help="DeepSpeed JSON (launch.sh passes ds_config.json); none: plain Trainer")
    p.add_argument("--output-dir", default=None, help="default: outputs/<preset> in the bundle")
    p.add_argument("--base-model", default=None, help="hub id or folder of the base (LoRA presets)")
    p.add_argument("--max-steps", type=int, default=None, help="override the preset's steps")
    p.add_argument("--max-eval-samples", type=int, default=None)
    p.add_argument("--resume", action="store_true", help="continue from the newest checkpoint")
    p.add_argument("--report-to", default="none", help="tensorboard, wandb ... (default none)")
    p.add_argument("--peak-tflops", type=float, default=None, help="per device, for MFU")
    p.add_argument("--local_rank", "--local-rank", type=int, default=-1)  # set by launchers
    return p.parse_args()


def bundle_path(path):
    return path if os.path.isabs(path) else os.path.join(HERE, path)


# ---------------------------------------------------------------- data

class TokenBlocks(Dataset):
    """Fixed windows of seq_len token ids cut from one long stream; labels are the inputs (the
    model shifts them). (N,) ids → N // seq_len items of (T,)."""

    def __init__(self, ids, seq_len):
        self.ids = ids
        self.seq_len = seq_len
        self.n = len(ids) // seq_len

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        block = np.asarray(self.ids[i * self.seq_len:(i + 1) * self.seq_len], dtype=np.int64)
        t = torch.from_numpy(block)
        return {"input_ids": t, "labels": t.clone()}


class Sequences(Dataset):
    """One tokenized sample per item, cut to seq_len; padded by pad_collate."""

    def __init__(self, sequences):
        self.sequences = sequences

    def __len__(self):
        return len(self.sequences)

    def __getitem__(self, i):
        return {"input_ids": self.sequences[i]}


def pad_collate(pad_id):
    def collate(batch):
        width = max(len(b["input_ids"]) for b in batch)
        ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, b in enumerate(batch):
            seq = torch.tensor(b["input_ids"], dtype=torch.long)
            ids[row, :len(seq)] = seq
            mask[row, :len(seq)] = 1
        labels = ids.masked_fill(mask == 0, -100)  # no loss on padding
        return {"input_ids": ids, "attention_mask": mask, "labels": labels}
    return collate


def load_token_shards(data_dir, seq_len):
    """train.bin / val.bin: little-endian uint16 or uint32 ids, described by meta.json."""
    with open(os.path.join(data_dir, "meta.json"), encoding="utf-8") as f:
        meta = json.load(f)
    dtype = {"uint16": np.dtype("<u2"), "uint32": np.dtype("<u4")}[meta["dtype"]]

    def shard(name):
        path = os.path.join(data_dir, name)
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            return None
        return TokenBlocks(np.memmap(path, dtype=dtype, mode="r"), seq_len)

    return shard("train.bin"), shard("val.bin")


def in_validation(sample, index, fraction):
    """The same file always lands on the same side: split by a hash of its path."""
    key = sample.get("path") or str(index)
    h = int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:8], "big")
    return h / 2.0 ** 64 < fraction


def load_samples(data_dir, tokenizer, seq_len, packing, val_fraction):
    """samples.jsonl (a "text" per line) → tokenized, EOS after each sample; packed into
    seq_len windows, or one padded sequence per sample."""
    texts = {"train": [], "val": []}
    with open(os.path.join(data_dir, "samples.jsonl"), encoding="utf-8") as f:
        for index, line in enumerate(f):
            if not line.strip():
                continue
            sample = json.loads(line)
            side = "val" if in_validation(sample, index, val_fraction) else "train"
            texts[side].append(sample["text"])
    eos = tokenizer.eos_token_id

    def encode(batch_texts):
        ids = []
        for start in range(0, len(batch_texts), 1000):
            enc = tokenizer(batch_texts[start:start + 1000], add_special_tokens=False)["input_ids"]
            ids.extend(seq + ([eos] if eos is not None else []) for seq in enc)
        return ids

    def build(side):
        if not texts[side]:
            return None
        sequences = encode(texts[side])
        if packing:
            stream = np.fromiter((t for seq in sequences for t in seq), dtype=np.int64)
            blocks = TokenBlocks(stream, seq_len)
            return blocks if len(blocks) > 0 else None
        return Sequences([seq[:seq_len] for seq in sequences])

    return build("train"), build("val")


def load_tokenizer(cfg, base_model):
    tok_file = cfg["data"].get("tokenizer_file")
    if tok_file:
        tok = PreTrainedTokenizerFast(tokenizer_file=bundle_path(tok_file))
        if tok.eos_token is None:
            for name in ("<|endoftext|>", "</s>", "<eos>"):
                if name in tok.get_vocab():
                    tok.eos_token = name
                    break
    elif base_model:
        tok = AutoTokenizer.from_pretrained(base_model)
    elif cfg["data"].get("tokenizer"):
        tok = AutoTokenizer.from_pretrained(cfg["data"]["tokenizer"])
    else:
        return None
    if tok.pad_token is None and tok.eos_token is not None:
        tok.pad_token = tok.eos_token
    return tok


# ---------------------------------------------------------------- model

def attention_implementation(cfg):
    """Flash Attention 2 where the preset asks for it and the package is importable; else
    PyTorch's fused scaled-dot-product attention."""
    if cfg["training"]["flash_attention"] and torch.cuda.is_available() \
            and importlib.util.find_spec("flash_attn") is not None:
        return "flash_attention_2"
    return "sdpa"


def build_model(cfg, base_model):
    t = cfg["training"]
    attn = attention_implementation(cfg)
    half = t["precision"] in ("bf16", "amp")
    if cfg["mode"] == "full":
        config = AutoConfig.from_pretrained(bundle_path(cfg["model"]["config_dir"]))
        # fp32 weights: the Trainer's autocast (or DeepSpeed's bf16 with fp32 master) does the rest.
        model = AutoModelForCausalLM.from_config(config, attn_implementation=attn)
    else:
        model = AutoModelForCausalLM.from_pretrained(
            base_model, dtype=torch.bfloat16 if half else torch.float32,
            attn_implementation=attn)
    print(f"anneal: attention implementation {attn}", flush=True)
    moe = cfg.get("moe")
    if moe and hasattr(model.config, "router_aux_loss_coef"):
        # Mixtral-style router loss: the model adds coef × aux loss to the LM loss.
        model.config.output_router_logits = moe["aux_loss_weight"] > 0
        model.config.router_aux_loss_coef = moe["aux_loss_weight"]
    if t["gradient_checkpointing"]:
        model.config.use_cache = False
    if cfg["mode"] == "lora":
        model = add_lora(model, cfg)
    return model


def add_lora(model, cfg):
    from peft import LoraConfig, get_peft_model

    lora = cfg["lora"]
    kwargs = dict(r=lora["rank"], lora_alpha=lora["alpha"], lora_dropout=lora["dropout"],
                  target_modules=lora["target_modules"], bias="none", task_type="CAUSAL_LM")
    if lora["exclude_modules"]:
        if "exclude_modules" not in inspect.signature(LoraConfig).parameters:
            sys.exit("anneal: this preset excludes modules; it needs peft >= 0.14")
        kwargs["exclude_modules"] = lora["exclude_modules"]
    if cfg["training"]["gradient_checkpointing"]:
        model.enable_input_require_grads()
    model = get_peft_model(model, LoraConfig(**kwargs))
    if cfg.get("moe") and not lora["freeze_router"]:
        # The router learns with the adapters; the experts stay frozen.
        for name, param in model.named_parameters():
            if name.endswith(".gate.weight") and "expert" not in name:
                param.requires_grad = True
    model.print_trainable_parameters()
    return model


# ---------------------------------------------------------------- Anneal's run files

def now():
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def host_memory_bytes():
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def model_flops_per_token(model, fallback):
    """Forward 2N, backward 2N for activations plus 2N for the weights that learn, where N counts
    the weights of the matrix products a token goes through (Linear layers, the head; routed
    experts at top-k of E), as Anneal's estimator counts them. DeepSpeed ZeRO-3 partitions the
    weights, so their numel is read from ds_numel where present."""
    cfg = getattr(model, "config", None)
    experts = getattr(cfg, "num_local_experts", None) or getattr(cfg, "n_routed_experts", None)
    top_k = getattr(cfg, "num_experts_per_tok", None)
    share = (top_k / experts) if experts and top_k else 1.0
    total = trainable = 0.0
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Linear):
            continue
        w = module.weight
        n = float(getattr(w, "ds_numel", w.numel())) * (share if ".experts." in name + "." else 1.0)
        total += n
        if w.requires_grad:
            trainable += n
    if total == 0:
        return fallback
    return 4.0 * total + 2.0 * trainable


def peak_flops(override):
    if override:
        return override * 1e12
    if not torch.cuda.is_available():
        return None
    name = torch.cuda.get_device_name()
    for key, tflops in PEAK_TFLOPS:
        if key in name:
            return tflops * 1e12
    return None


class AnnealMetrics(TrainerCallback):
    """Appends one line per log to metrics.jsonl and per checkpoint to events.jsonl, with the
    keys of Anneal's MetricPoint and RunEvent; written and flushed by the main process only."""

    def __init__(self, out_dir, cfg, world_size, peak):
        self.out_dir = out_dir
        t = cfg["training"]
        self.tokens_per_step = (t["micro_batch"] * t["accumulation"] * world_size * t["seq_len"])
        self.flops_per_token = cfg["flops_per_token"]
        self.world_size = world_size
        self.peak = peak
        self.price = cfg.get("price_per_device_hour")
        self.started = None
        self.last = None

    def _append(self, name, record):
        with open(os.path.join(self.out_dir, name), "a", encoding="utf-8") as f:
            f.write(json.dumps(record, separators=(",", ":")) + "\n")
            f.flush()

    def event(self, state, kind, message, **details):
        if state.is_world_process_zero:
            self._append("events.jsonl", {"step": state.global_step, "time": now(), "kind": kind,
                                          "message": message, "details": details})

    def on_train_begin(self, args, state, control, **kwargs):
        self.started = time.time()
        self.last = (self.started, state.global_step)
        if state.global_step > 0:
            self.event(state, "resume", f"resumed at step {state.global_step}")
        else:
            self.event(state, "start", "training started", world_size=self.world_size)

    def on_log(self, args, state, control, logs=None, **kwargs):
        if not state.is_world_process_zero or not logs:
            return
        point = {"step": state.global_step}
        if "epoch" in logs:
            point["epoch"] = logs["epoch"]
        if "loss" in logs:
            step = state.global_step
            point["tokens"] = step * self.tokens_per_step
            point["loss"] = logs["loss"]
            if "learning_rate" in logs:
                point["lr"] = logs["learning_rate"]
            if logs.get("grad_norm") is not None:
                point["grad_norm"] = float(logs["grad_norm"])
            t0, s0 = self.last
            t1 = time.time()
            if step > s0 and t1 > t0:
                tps = (step - s0) * self.tokens_per_step / (t1 - t0)
                point["tokens_per_s"] = tps
                if self.peak:
                    point["mfu"] = tps * self.flops_per_token / (self.peak * self.world_size)
            self.last = (t1, step)
            if torch.cuda.is_available():
                point["device_mem_bytes"] = torch.cuda.max_memory_allocated()
                torch.cuda.reset_peak_memory_stats()
            point["host_mem_bytes"] = host_memory_bytes()
            if self.price:
                point["cost"] = self.price * self.world_size * (t1 - self.started) / 3600.0
        elif "eval_loss" in logs:
            point["val_loss"] = logs["eval_loss"]
            try:
                point["ppl"] = math.exp(logs["eval_loss"])
            except OverflowError:
                point["ppl"] = float("inf")
        else:
            return  # the closing summary is not a step
        self._append("metrics.jsonl", point)

    def on_save(self, args, state, control, **kwargs):
        name = f"checkpoint-{state.global_step}"
        self.event(state, "checkpoint", f"saved {name}", path=name)

    def on_train_end(self, args, state, control, **kwargs):
        self.event(state, "stop", "training finished")


class AnnealTrainer(Trainer):
    """The Trainer, plus activation checkpoints kept in pinned host memory when the preset asks
    (the layer inputs saved in the forward pass; recomputation in backward stays on the GPU)."""

    def __init__(self, *args, cpu_checkpointing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.cpu_checkpointing = cpu_checkpointing

    def compute_loss(self, model, inputs, *args, **kwargs):
        if self.cpu_checkpointing and model.training:
            with torch.autograd.graph.save_on_cpu(pin_memory=torch.cuda.is_available()):
                return super().compute_loss(model, inputs, *args, **kwargs)
        return super().compute_loss(model, inputs, *args, **kwargs)


# ---------------------------------------------------------------- main

def training_arguments(cfg, cli, out_dir, has_eval):
    t = cfg["training"]
    schedule = {"cosine": "cosine_with_min_lr", "linear": "linear",
                "constant": "constant_with_warmup"}[t["schedule"]]
    kwargs = dict(
        output_dir=out_dir,
        max_steps=cli.max_steps or t["steps"],
        per_device_train_batch_size=t["micro_batch"],
        per_device_eval_batch_size=t["micro_batch"],
        gradient_accumulation_steps=t["accumulation"],
        learning_rate=t["lr"],
        lr_scheduler_type=schedule,
        warmup_steps=t["warmup_steps"],
        weight_decay=t["weight_decay"],
        adam_beta1=t["beta1"],
        adam_beta2=t["beta2"],
        adam_epsilon=t["eps"],
        max_grad_norm=t["clip"],
        bf16=t["precision"] in ("bf16", "amp"),
        fp16=t["precision"] == "fp16",
        gradient_checkpointing=t["gradient_checkpointing"],
        gradient_checkpointing_kwargs={"use_reentrant": False},
        logging_steps=t["log_every"],
        save_strategy="steps",
        save_steps=t["checkpoint_every"],
        save_total_limit=t["keep_last"],
        eval_strategy="steps" if has_eval else "no",
        eval_steps=t["eval_every"] if has_eval else None,
        seed=t["seed"],
        data_seed=t["seed"],
        report_to=cli.report_to,
        deepspeed=cli.deepspeed,
        # Routed experts a batch does not reach have no gradient: DDP must not wait for them.
        ddp_find_unused_parameters=cfg["mode"] == "full" and cfg.get("moe") is not None,
        dataloader_num_workers=2,
        remove_unused_columns=False,
    )
    if schedule == "cosine_with_min_lr":
        kwargs["lr_scheduler_kwargs"] = {"min_lr": t["min_lr"]}
    return TrainingArguments(**kwargs)


def main():
    cli = parse_args()
    with open(cli.config, encoding="utf-8") as f:
        cfg = json.load(f)
    out_dir = cli.output_dir or bundle_path(os.path.join("outputs", cfg["preset"]))
    os.makedirs(out_dir, exist_ok=True)
    set_seed(cfg["training"]["seed"])
    base_model = cli.base_model or cfg["model"].get("base_model")
    if cfg["mode"] == "lora" and not base_model:
        sys.exit("anneal: this LoRA preset needs --base-model (a hub id or a folder)")

    data_dir = bundle_path(cfg["data"]["dir"])
    seq_len = cfg["training"]["seq_len"]
    tokenizer = load_tokenizer(cfg, base_model)
    if cfg["data"]["format"] == "tokens":
        train_set, val_set = load_token_shards(data_dir, seq_len)
        collator = None
    else:
        if tokenizer is None:
            sys.exit("anneal: samples.jsonl needs a tokenizer: tokenizer.json in the data folder,"
                     " a base model, or data.tokenizer in the preset")
        train_set, val_set = load_samples(data_dir, tokenizer, seq_len,
                                          cfg["training"]["packing"], cfg["data"]["val_fraction"])
        collator = None if cfg["training"]["packing"] else pad_collate(tokenizer.pad_token_id)
    if train_set is None:
        sys.exit(f"anneal: no training data in {data_dir}")
    if val_set is not None and cli.max_eval_samples and len(val_set) > cli.max_eval_samples:
        val_set = torch.utils.data.Subset(val_set, range(cli.max_eval_samples))

    # Arguments first: with ZeRO-3 they make from_pretrained load each shard partitioned.
    args = training_arguments(cfg, cli, out_dir, val_set is not None)
    model = build_model(cfg, base_model)
    # MFU counts the FLOPs of the model actually loaded: a --base-model stand-in of another size
    # than the preset's made the preset's figure 40.99 (4,099%) for a 2.6M-parameter model.
    cfg["flops_per_token"] = model_flops_per_token(model, cfg["flops_per_token"])
    callback = AnnealMetrics(out_dir, cfg, args.world_size, peak_flops(cli.peak_tflops))
    trainer = AnnealTrainer(
        model=model, args=args, train_dataset=train_set, eval_dataset=val_set,
        data_collator=collator, processing_class=tokenizer, callbacks=[callback],
        cpu_checkpointing=cfg["training"]["cpu_checkpointing"])

    resume = cli.resume and any(d.startswith("checkpoint-") for d in os.listdir(out_dir))
    trainer.train(resume_from_checkpoint=True if resume else None)
    final = os.path.join(out_dir, "final")
    trainer.save_model(final)  # HF folder, or a PEFT adapter for LoRA presets
    if tokenizer is not None and trainer.is_world_process_zero():
        tokenizer.save_pretrained(final)
    trainer.save_state()


if __name__ == "__main__":
    main()
