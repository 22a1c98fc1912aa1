"""The PyTorch side of `tandem bench train` (run with Debian's /usr/bin/python3 and torch 1.13).

Usage: train_torch.py MANIFEST.json
The manifest lists cases; each case's .npz holds the initial weights (`layers.{l}.weight` stored [in, out] as
tandem's MatMul layers use them, `layers.{l}.bias`) and K batches (`x` [K, B, 3], `target` [K, B, T]). The
network is native nn.Linear + tanh and the optimizer native torch.optim.Adam, so this measures what a PyTorch
user would write; the loss is the same as tandem's (MSE, or the Poisson residual through autograd.grad with
create_graph=True). Prints one JSON object per case on stdout: median step and forward times in ms, and the
loss of every step in order, so the caller can check both sides trained the same thing.
"""
import json
import statistics
import sys
import time

import numpy as np
import torch
from torch import nn


def build(widths, arrays):
    layers = []
    for l in range(len(widths) - 1):
        lin = nn.Linear(widths[l], widths[l + 1])
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(arrays[f"layers.{l}.weight"].T.copy()))
            lin.bias.copy_(torch.from_numpy(arrays[f"layers.{l}.bias"]))
        layers.append(lin)
        if l + 2 < len(widths):
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


def mse_loss(net, x, target):
    return torch.mean((net(x) - target) ** 2)


def poisson_loss(net, x, f):
    x = x.detach().requires_grad_(True)
    u0 = net(x)[:, 0]
    (du,) = torch.autograd.grad(u0.sum(), x, create_graph=True)
    (hx,) = torch.autograd.grad(du[:, 0].sum(), x, create_graph=True)
    (hy,) = torch.autograd.grad(du[:, 1].sum(), x, create_graph=True)
    r = hx[:, 0:1] + hy[:, 1:2] - f
    return torch.mean(r * r)


def median_ms(fn, warmup, min_iters, min_seconds):
    for _ in range(warmup):
        fn()
    samples = []
    start = time.perf_counter()
    while len(samples) < min_iters or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), len(samples)


def run_case(case):
    torch.manual_seed(0)
    arrays = dict(np.load(case["npz"], allow_pickle=False))
    net = build(case["widths"], arrays)
    xs = torch.from_numpy(arrays["x"])
    ts = torch.from_numpy(arrays["target"])
    loss_fn = mse_loss if case["kind"] == "mlp" else poisson_loss
    opt = torch.optim.Adam(net.parameters(), lr=case["lr"])
    losses = []
    k = [0]

    def step():
        i = k[0] % xs.shape[0]
        k[0] += 1
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net, xs[i], ts[i])
        loss.backward()
        opt.step()
        losses.append(loss.detach())

    def forward():
        with torch.no_grad():
            net(xs[0])

    step_ms, step_n = median_ms(step, case["warmup"], case["min_iters"], case["min_seconds"])
    fwd_ms, fwd_n = median_ms(forward, case["warmup"], case["min_iters"], case["min_seconds"])
    return {
        "id": case["id"],
        "step_ms": step_ms,
        "step_samples": step_n,
        "forward_ms": fwd_ms,
        "forward_samples": fwd_n,
        "losses": [float(v) for v in losses[: case["check_steps"]]],
        "threads": torch.get_num_threads(),
        "torch": torch.__version__,
    }


def main():
    manifest = json.load(open(sys.argv[1]))
    torch.set_num_threads(manifest["threads"])
    for case in manifest["cases"]:
        print(json.dumps(run_case(case)), flush=True)


if __name__ == "__main__":
    main()
