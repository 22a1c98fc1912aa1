"""Which spectral-weight components have no effect on a spectral convolution's output, found numerically in torch.

Uses the independent PhysicsNeMo-style SpectralConv of torch_models.py (torch.fft, float64). For each case
{"shape": [n1(, n2)], "modes": m}, random weights, 4 random inputs and 4 random output cotangents: a component is
"dead" when d sum(y * r) / d w is 0 to float64 rounding (≤ 1e-12 of the largest) in every probe; live ones are
O(1). Not exactly 0: pocketfft leaves ~1e-17 in the imaginary part of a Nyquist bin for some sizes (12 points). Usage:

    /usr/bin/python3 spectral_dead_weights.py CASES.json

Prints [{"weights1": [[i, o, k..., re/im], ...], "weights2": [...]}, ...], listing only the mode indices and the
re/im slot (the dead set does not depend on i, o, which is checked).
"""
import json
import sys

import torch

from torch_models import SpectralConv


def dead(case):
    torch.manual_seed(0)
    n, m = case["shape"], case["modes"]
    cin, cout = 3, 2
    conv = SpectralConv(len(n), cin, cout, m).double()
    for p in conv.parameters():
        torch.nn.init.normal_(p)
    peak = {name: torch.zeros_like(p) for name, p in conv.named_parameters()}
    for _ in range(4):
        x = torch.randn(2, cin, *n, dtype=torch.float64)
        r = torch.randn(2, cout, *n, dtype=torch.float64)
        grads = torch.autograd.grad((conv(x) * r).sum(), list(conv.parameters()))
        for (name, _), g in zip(conv.named_parameters(), grads):
            peak[name] = torch.maximum(peak[name], g.abs())
    out = {}
    for name, g in peak.items():
        zero = g <= 1e-12 * g.max()
        if not torch.equal(zero, zero[:1, :1].expand_as(zero)):
            raise SystemExit(f"{name}: the exactly-zero gradients differ between channel pairs")
        out[name] = [idx[2:] for idx in zero.nonzero().tolist() if idx[0] == 0 and idx[1] == 0]
    return out


if __name__ == "__main__":
    print(json.dumps([dead(c) for c in json.load(open(sys.argv[1]))]))
