#!/usr/bin/env python3
"""The floor under a nano bf16 training step: what its unavoidable kernels alone take on this CPU.

Times, with PyTorch's own kernels and nothing else in between, the parts every implementation of
nano_reference.py's step must run: the three matrix products of each linear layer (forward, input
gradient, weight gradient) at nano's shapes, the composed causal attention forward and backward,
the float32 cross-entropy forward and backward over the full vocabulary, GELU and layer norm
forward and backward. Their sum is a lower bound on the step without fusing these kernels further;
tokens/s at that bound is the most any eager implementation on these kernels can reach, and it
says how far a goal stated as a multiple of PyTorch's figure is reachable.

    python3 src/bench/python/nano_floor.py --threads 2 [--pytorch-tokens-per-s 13000]
    # the split step's floor: two halves at once, one thread each; add their tokens/s
    python3 src/bench/python/nano_floor.py --threads 1 --rows 4 & python3 src/bench/python/nano_floor.py --threads 1 --rows 4

Run it under the same GLIBC_TUNABLES as the runs it is compared with: large temporaries fault
fresh pages in otherwise, and that shows in the attention and loss times.
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

from nano_reference import B, C, H, L, T, V

N = B * T


def ms(fn, reps):
    for _ in range(3):
        fn()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return 1000 * (time.perf_counter() - t0) / reps


def linear_ms(k, n, reps):
    """Forward x·Wᵀ, input gradient dY·W and weight gradient dYᵀ·x of a (k → n) layer, in bf16."""
    x = torch.randn(N, k).bfloat16()
    w = torch.randn(n, k).bfloat16()
    dy = torch.randn(N, n).bfloat16()
    return ms(lambda: x @ w.t(), reps) + ms(lambda: dy @ w, reps) + ms(lambda: dy.t() @ x, reps)


def attention_ms(reps):
    """One layer's attention composed, forward and backward: the faster of the softmax in float32
    (as nano_reference.py runs it) and in bf16 (as Anneal runs it)."""
    d = C // H
    q, k, v = (torch.randn(B, H, T, d).bfloat16().requires_grad_() for _ in range(3))
    mask = (torch.ones(T, T).tril() - 1) * 1e9
    grad = torch.randn(B, H, T, d).bfloat16()

    def float32_softmax():
        att = ((q * d**-0.5) @ k.transpose(-2, -1)).float() + mask
        (att.softmax(-1).bfloat16() @ v).backward(grad)

    def bf16_softmax():
        att = ((q * d**-0.5) @ k.transpose(-2, -1)) + mask.bfloat16()
        (att.softmax(-1) @ v).backward(grad)

    return min(ms(float32_softmax, reps), ms(bf16_softmax, reps))


def loss_ms(reps):
    """Cross-entropy in float32 over bf16 logits (N, V) and its gradient in bf16: the faster of
    autograd's forward and backward and the gradient made in the forward as exp(log-softmax) with
    the targets' entries lowered by one (as Anneal makes it)."""
    logits = torch.randn(N, V).bfloat16()
    targets = torch.randint(0, V, (N,))
    recorded = logits.clone().requires_grad_()
    rows = torch.arange(N)

    def autograd():
        F.cross_entropy(recorded.float(), targets).backward()

    def in_forward():
        log_p = logits.float().log_softmax(-1)
        log_p[rows, targets].neg().sum()
        g = log_p.exp_()
        g[rows, targets] -= 1
        g.bfloat16()

    return min(ms(autograd, reps), ms(in_forward, reps))


def gelu_ms(reps):
    h = torch.randn(N, 4 * C).bfloat16().requires_grad_()
    grad = torch.randn(N, 4 * C).bfloat16()
    return ms(lambda: F.gelu(h).backward(grad), reps)


def layer_norm_ms(reps):
    norm = torch.nn.LayerNorm(C)
    x = torch.randn(N, C).requires_grad_()
    grad = torch.randn(N, C)
    return ms(lambda: norm(x).backward(grad), reps)


def main():
    global B, N  # the shapes every timing below reads
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--rows", type=int, default=B,
                    help="rows per micro batch: 4 with --threads 1, in two processes at once, is "
                         "the floor of Anneal's CPU step, which runs each half of the rows on a "
                         "thread of its own")
    ap.add_argument("--pytorch-tokens-per-s", type=float, default=0,
                    help="a measured nano_reference.py figure: prints the step time 1.2x of it needs")
    args = ap.parse_args()
    B, N = args.rows, args.rows * T
    torch.set_num_threads(args.threads)
    r = args.reps
    parts = {
        "linear_products": L * sum(linear_ms(k, n, r) for k, n in ((C, 3 * C), (C, C), (C, 4 * C), (4 * C, C)))
        + linear_ms(C, V, r),
        "attention": L * attention_ms(r),
        "loss": loss_ms(r),
        "gelu": L * gelu_ms(r),
        "layer_norm": (2 * L + 1) * layer_norm_ms(r),
    }
    floor = sum(parts.values())
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "rows": B,
           **{k + "_ms": round(v, 1) for k, v in parts.items()},
           "floor_step_ms": round(floor, 1), "floor_tokens_per_s": round(N * 1000 / floor)}
    if args.pytorch_tokens_per_s:
        out["step_ms_for_1.2x"] = round(N * 1000 / (1.2 * args.pytorch_tokens_per_s), 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
