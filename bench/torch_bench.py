#!/usr/bin/python3
"""PyTorch reference for bench/run.ts: the same shapes and the same training step (see bench/cases.ts).

Usage: torch_bench.py --threads N [--cases a,b,...] [--seconds S] [--warmup-seconds W]
Prints progress to stderr and one JSON object on the last stdout line:
  {"torch_version": ..., "threads": N, "results": {case: steps_per_second, ...}}
or torch_bench.py --threads N --serve: prints one JSON hello line, then for each stdin line
"<case> <seconds> <warmup_seconds>" one JSON line {"case", "sps", "iters", "loss"}. run.ts uses this to
measure each case in PyTorch right after measuring it in our code, so all backends of a case see the
same machine load.
steps/s is 1 / median iteration time, the statistic run.ts uses, so that a burst of load from other
processes moves both sides alike.
"""
import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn

CASES = {
    "lstm_h48_b1": ("lstm", 48, 1),
    "lstm_h48_b32": ("lstm", 48, 32),
    "lstm_h256_b1": ("lstm", 256, 1),
    "lstm_h256_b32": ("lstm", 256, 32),
    "mlp_b256": ("mlp", None, 256),
}
LSTM_IN, T, HEAD_OUT = 8, 100, 1
MLP_SIZES = [64, 256, 256, 64]


def lstm_step(hidden, batch):
    lstm = nn.LSTM(LSTM_IN, hidden)  # (T, B, I) layout, as ours
    head = nn.Linear(hidden, HEAD_OUT)
    opt = torch.optim.Adam(list(lstm.parameters()) + list(head.parameters()), lr=1e-3)
    loss_fn = nn.MSELoss()
    x = torch.randn(T, batch, LSTM_IN)
    y = torch.randn(T, batch, HEAD_OUT)

    def step():
        opt.zero_grad(set_to_none=False)  # ours zeroes gradient buffers too
        out, _ = lstm(x)  # zero initial state
        loss = loss_fn(head(out), y)
        loss.backward()
        opt.step()
        return loss

    return step


def mlp_step(batch):
    layers = []
    for i in range(len(MLP_SIZES) - 1):
        layers.append(nn.Linear(MLP_SIZES[i], MLP_SIZES[i + 1]))
        if i + 2 < len(MLP_SIZES):
            layers.append(nn.Tanh())
    net = nn.Sequential(*layers)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    x = torch.randn(batch, MLP_SIZES[0])
    y = torch.randn(batch, MLP_SIZES[-1])

    def step():
        opt.zero_grad(set_to_none=False)
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss

    return step


def measure(step, seconds, warmup_seconds, min_iters=5):
    t0 = time.perf_counter()
    n = 0
    while n < 2 or time.perf_counter() - t0 < warmup_seconds:
        step()
        n += 1
    times = []
    start = time.perf_counter()
    while len(times) < min_iters or time.perf_counter() - start < seconds:
        a = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - a)
    return 1.0 / statistics.median(times), len(times), float(loss)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--seconds", type=float, default=1.5)
    ap.add_argument("--warmup-seconds", type=float, default=0.3)
    ap.add_argument("--serve", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    hello = {
        "torch_version": torch.__version__,
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
    }
    if args.serve:
        print(json.dumps(hello), flush=True)
        steps = {}
        for line in sys.stdin:
            parts = line.split()
            if not parts:
                continue
            name, seconds, warmup = parts[0], float(parts[1]), float(parts[2])
            if name not in CASES:
                print(json.dumps({"case": name, "error": "unknown case"}), flush=True)
                continue
            if name not in steps:
                kind, hidden, batch = CASES[name]
                steps[name] = lstm_step(hidden, batch) if kind == "lstm" else mlp_step(batch)
            sps, iters, loss = measure(steps[name], seconds, warmup)
            print(json.dumps({"case": name, "sps": sps, "iters": iters, "loss": loss}), flush=True)
        return
    results = {}
    for name in [c for c in args.cases.split(",") if c]:
        if name not in CASES:
            print(f"torch_bench: unknown case {name}", file=sys.stderr)
            sys.exit(2)
        kind, hidden, batch = CASES[name]
        step = lstm_step(hidden, batch) if kind == "lstm" else mlp_step(batch)
        sps, iters, loss = measure(step, args.seconds, args.warmup_seconds)
        results[name] = sps
        print(f"  torch t{args.threads} {name}: {sps:.1f} steps/s ({iters} iters, loss {loss:.4f})", file=sys.stderr)
    print(json.dumps({**hello, "results": results}))


if __name__ == "__main__":
    main()
