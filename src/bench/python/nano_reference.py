#!/usr/bin/env python3
"""PyTorch eager on the trainer benchmark's configuration, for `anneal bench train` to be compared with.

The model and step match Anneal's nano preset and TrainBench: GPT-2 blocks (pre-norm, biases,
exact GELU, head tied to the token embedding), 4 layers, d_model 256, 4 heads, context 256,
vocab 4,096; micro batch 8 x 256 random tokens; AdamW (lr 1e-3, weight decay 0.1 on matrices),
global-norm clipping at 1.0. Attention is written out (matmul, mask, softmax, matmul) as Anneal
composes it; PyTorch 1.13 has no fused attention on the CPU either.

    python3 src/bench/python/nano_reference.py --threads 2 --steps 30 --precision fp32
    python3 src/bench/python/nano_reference.py --threads 2 --steps 30 --precision bf16

bf16 runs the forward under torch.autocast (matrix products in bf16, weights fp32), the same
split Anneal's bf16 matmuls make. Prints one JSON line: tokens/s, median step, GEMM GFLOP/s.
"""
import argparse
import json
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

V, T, C, H, L, B = 4096, 256, 256, 4, 4, 8


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)

    def forward(self, x, mask):
        b, t, _ = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
        q, k, v = (z.view(b, t, H, C // H).transpose(1, 2) for z in (q, k, v))
        att = (q * (1.0 / math.sqrt(C // H))) @ k.transpose(-2, -1)
        att = (att.float() + mask).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, C)
        x = x + self.c_proj(y)
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x))))


class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(T, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C)
        causal = torch.ones(T, T).tril()
        self.register_buffer("mask", (causal - 1) * 1e9)

    def forward(self, ids):
        x = self.wte(ids) + self.wpe(torch.arange(ids.shape[1]))
        for block in self.h:
            x = block(x, self.mask)
        return F.linear(self.ln_f(x), self.wte.weight)


def gemm_gflops(dtype):
    a = torch.randn(B * T, C).to(dtype)
    b = torch.randn(C, 4 * C).to(dtype)
    for _ in range(3):
        a @ b
    reps = 20
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    return 2 * B * T * C * 4 * C * reps / (time.perf_counter() - t0) / 1e9


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    model = Gpt()
    for n, p in model.named_parameters():
        if p.dim() == 2:
            nn.init.normal_(p, std=0.02)
    decay = [p for p in model.parameters() if p.dim() == 2]
    rest = [p for p in model.parameters() if p.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}], lr=1e-3)
    tokens = torch.randint(0, V, (64 * B * (T + 1),))
    bf16 = args.precision == "bf16"
    times = []
    for s in range(args.warmup + args.steps):
        start = (s * B * (T + 1)) % (tokens.numel() - B * (T + 1))
        chunk = tokens[start:start + B * (T + 1)].view(B, T + 1)
        ids, targets = chunk[:, :-1], chunk[:, 1:]
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            logits = model(ids)
        loss = F.cross_entropy(logits.float().view(-1, V), targets.reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)
        if s >= args.warmup:
            times.append(time.perf_counter() - t0)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({
        "torch": torch.__version__, "precision": args.precision, "threads": torch.get_num_threads(),
        "steps": args.steps, "params": params,
        "tokens_per_s": round(args.steps * B * T / sum(times)),
        "median_step_ms": round(1000 * statistics.median(times), 1),
        "gemm_gflops": round(gemm_gflops(torch.bfloat16 if bf16 else torch.float32)),
        "final_loss": round(loss.item(), 4)}))


if __name__ == "__main__":
    main()
