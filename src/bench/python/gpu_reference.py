#!/usr/bin/env python3
"""PyTorch eager on the shapes `anneal bench train --device cuda` times, on the same GPU.

The model is Anneal's GPT-2 family (pre-norm blocks with biases, exact GELU, learned positions,
head tied to the token embedding); the step is Anneal's: cross-entropy in float32, global-norm
clipping at 1.0, AdamW (weight decay 0.1 on matrices, fused on CUDA), gradients set to None.

    # the nano preset's shape (4 layers, d 256, 4 heads, T 256, B 8, V 4,096)
    python3 src/bench/python/gpu_reference.py --device cuda --precision fp32 --attention sdpa
    # GPT-2 124M's blocks with Anneal's vocabulary (12 layers, d 768, 12 heads, T 1,024, B 16)
    python3 src/bench/python/gpu_reference.py --device cuda --L 12 --C 768 --H 12 --T 1024 --B 16 \
        --V 8192 --precision bf16 --attention sdpa

--precision: fp32 (highest float32 matmul precision), tf32 ("high": TF32 tensor cores for fp32
products), bf16 (torch.autocast with bfloat16: products in bf16, weights, norms, softmax and
loss in fp32). --attention: composed (matmul, mask, softmax, matmul, as Anneal's composed path)
or sdpa (F.scaled_dot_product_attention, causal: flash or memory-efficient). Prints one JSON line:
tokens/s, median step, MFU against the GPU's dense datasheet peak, peak memory (allocated and
reserved by the caching allocator).
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Dense datasheet TFLOP/s (fp32, tf32, bf16), most specific name first, as Anneal's DevicePeak.
PEAKS = [("H200", 67, 495, 989), ("H100 PCIe", 51, 378, 756), ("H100", 67, 495, 989),
         ("A100", 19.5, 156, 312), ("L40S", 91.6, 183, 362), ("L4", 30.3, 60, 121),
         ("A10", 31.2, 62.5, 125), ("4090", 82.6, 82.6, 165.2), ("3090", 35.6, 35.6, 71)]


class Block(nn.Module):
    def __init__(self, c, h, sdpa):
        super().__init__()
        self.h, self.sdpa = h, sdpa
        self.ln_1 = nn.LayerNorm(c)
        self.c_attn = nn.Linear(c, 3 * c)
        self.c_proj = nn.Linear(c, c)
        self.ln_2 = nn.LayerNorm(c)
        self.c_fc = nn.Linear(c, 4 * c)
        self.mlp_proj = nn.Linear(4 * c, c)

    def forward(self, x, mask):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.h, c // self.h).transpose(1, 2) for z in (q, k, v))
        if self.sdpa:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            att = (q * (1.0 / math.sqrt(c // self.h))) @ k.transpose(-2, -1)
            y = (att.float() + mask[:t, :t]).softmax(-1).to(v.dtype) @ v
        x = x + self.c_proj(y.transpose(1, 2).reshape(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self, a):
        super().__init__()
        self.wte = nn.Embedding(a.V, a.C)
        self.wpe = nn.Embedding(a.T, a.C)
        self.h = nn.ModuleList(Block(a.C, a.H, a.attention == "sdpa") for _ in range(a.L))
        self.ln_f = nn.LayerNorm(a.C)
        causal = torch.ones(a.T, a.T).tril()
        self.register_buffer("mask", (causal - 1) * 1e9, persistent=False)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1], device=ids.device))
        for block in self.h:
            x = block(x, self.mask)
        return F.linear(self.ln_f(x), self.wte.weight)


def flops_per_token(a):
    """Forward 2N + backward 4N over the matmul weights, plus attention's 12·L·T·C (scores and
    values, forward and backward): the usual count (nanoGPT's estimate_mfu)."""
    n = a.L * 12 * a.C * a.C + a.V * a.C
    return 6 * n + 12 * a.L * a.T * a.C


def peak(device, precision):
    if device != "cuda":
        return None, None
    name = torch.cuda.get_device_name()
    for key, fp32, tf32, bf16 in PEAKS:
        if key in name:
            return {"fp32": fp32, "tf32": tf32, "bf16": bf16}[precision] * 1e12, name
    return None, name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--precision", choices=["fp32", "tf32", "bf16"], default="fp32")
    ap.add_argument("--attention", choices=["composed", "sdpa"], default="sdpa")
    ap.add_argument("--L", type=int, default=4)
    ap.add_argument("--C", type=int, default=256)
    ap.add_argument("--H", type=int, default=4)
    ap.add_argument("--T", type=int, default=256)
    ap.add_argument("--B", type=int, default=8)
    ap.add_argument("--V", type=int, default=4096)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    torch.set_float32_matmul_precision("high" if a.precision == "tf32" else "highest")
    torch.manual_seed(1)
    dev = torch.device(a.device)
    model = Gpt(a).to(dev)
    for p in model.parameters():
        if p.dim() == 2:
            nn.init.normal_(p, std=0.02)
    decay = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-3, fused=dev.type == "cuda")
    tokens = torch.randint(0, a.V, (16 * a.B * (a.T + 1),), device=dev)
    bf16 = a.precision == "bf16"
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    if dev.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    for s in range(a.warmup + a.steps):
        start = (s * a.B * (a.T + 1)) % (tokens.numel() - a.B * (a.T + 1))
        chunk = tokens[start:start + a.B * (a.T + 1)].view(a.B, a.T + 1)
        ids, targets = chunk[:, :-1], chunk[:, 1:]
        sync()
        t0 = time.perf_counter()
        with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=bf16):
            logits = model(ids)
        loss = F.cross_entropy(logits.float().view(-1, a.V), targets.reshape(-1))
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        loss_value, norm_value = loss.item(), norm.item()  # the one read a step, as Anneal's
        if s >= a.warmup:
            times.append(time.perf_counter() - t0)
    tps = a.steps * a.B * a.T / sum(times)
    peak_flops, gpu = peak(a.device, a.precision)
    out = {
        "torch": torch.__version__, "device": a.device, "gpu": gpu, "precision": a.precision,
        "attention": a.attention, "shape": {k: getattr(a, k) for k in "LCHTBV"},
        "params": sum(p.numel() for p in model.parameters()), "steps": a.steps,
        "tokens_per_s": round(tps), "median_step_ms": round(1000 * statistics.median(times), 2),
        "mfu": None if peak_flops is None else round(tps * flops_per_token(a) / peak_flops, 4),
        "final_loss": round(loss_value, 4), "final_grad_norm": round(norm_value, 4)}
    if dev.type == "cuda":
        out["peak_allocated_bytes"] = torch.cuda.max_memory_allocated()
        out["peak_reserved_bytes"] = torch.cuda.max_memory_reserved()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
