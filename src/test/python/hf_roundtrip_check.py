#!/usr/bin/env python3
"""Load a folder written by Anneal with Hugging Face transformers and print logits as JSON.

Not run in CI (no transformers there). Usage:

    python hf_roundtrip_check.py MODEL_DIR [--adapter ADAPTER_DIR] [--ids 1,2,3,4] [--count 8]

MODEL_DIR is an HF folder from `anneal model init` / an Anneal export (config.json +
model.safetensors or shards + index). With --adapter, a PEFT adapter folder is applied on top
through peft.PeftModel. The script runs one forward pass in float32 on fixed token ids and prints
{"model_type", "shape", "logits_first": [...first values of the last position...],
 "logits_sum": ..., "missing_keys": [...], "unexpected_keys": [...]} so the lead can compare
with Anneal's logits for the same ids.

Needs: torch, transformers (>= 4.45 for head_dim in llama/qwen2/mixtral configs), safetensors,
and peft (>= 0.14 for exclude_modules) when --adapter is given. model_type anneal_moe is
Anneal's own architecture: transformers has no class for it, so it is reported, not loaded.
"""
import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("model_dir")
    parser.add_argument("--adapter", default=None)
    parser.add_argument("--ids", default="1,2,3,4,5,6,7,8")
    parser.add_argument("--count", type=int, default=8)
    args = parser.parse_args()

    with open(f"{args.model_dir}/config.json", encoding="utf-8") as f:
        model_type = json.load(f).get("model_type")
    if model_type == "anneal_moe":
        print(json.dumps({"model_type": model_type,
                          "skipped": "anneal_moe is Anneal's own type; transformers has no class for it"}))
        return 0

    import torch
    from transformers import AutoModelForCausalLM

    model, loading = AutoModelForCausalLM.from_pretrained(
        args.model_dir, torch_dtype=torch.float32, output_loading_info=True)
    if args.adapter:
        from peft import PeftModel
        model = PeftModel.from_pretrained(model, args.adapter)
    model.eval()

    ids = torch.tensor([[int(t) for t in args.ids.split(",")]], dtype=torch.long)
    with torch.no_grad():
        logits = model(input_ids=ids).logits  # (B, T, V)
    last = logits[0, -1]
    print(json.dumps({
        "model_type": model_type,
        "adapter": args.adapter,
        "ids": ids[0].tolist(),
        "shape": list(logits.shape),
        "logits_first": [float(x) for x in last[: args.count]],
        "logits_sum": float(logits.sum()),
        "missing_keys": sorted(loading.get("missing_keys", [])),
        "unexpected_keys": sorted(loading.get("unexpected_keys", [])),
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
