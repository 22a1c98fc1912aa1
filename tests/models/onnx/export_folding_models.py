"""Exports models whose graphs compute shapes (torch 1.13's Shape/Gather/Concat chains), for shape-folding.test.ts.

Usage: python3 export_folding_models.py OUT_DIR. Writes <name>.onnx (opset 17, dynamic batch axis) and expected.npz
with each model's example input (<name>.x) and the torch module's own output for it (<name>.y).
"""
import sys

import numpy as np
import torch
from view_batch import ViewBatch

torch.manual_seed(0)
out = sys.argv[1]


class Tail(torch.nn.Module):
    """x[..., -2:] (Slice ends INT64_MAX) and a flip (Slice step -1 to INT64_MIN)."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(4, 4)

    def forward(self, x):
        h = self.fc(x)
        return torch.cat([h[..., -2:], torch.flip(h, [-1])[..., :1]], -1)


class Attention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.mha = torch.nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        return self.mha(x, x, x, need_weights=False)[0]


class Positions(torch.nn.Module):
    """A learned positional embedding indexed by torch.arange(x.size(1)): Shape, Gather, Range → Gather."""

    def __init__(self):
        super().__init__()
        self.pos = torch.nn.Embedding(5, 8)

    def forward(self, x):
        return x + self.pos(torch.arange(x.size(1)))


class ClassToken(torch.nn.Module):
    """A ViT class token: a parameter expanded to the batch (Expand with a folded shape), concatenated to x."""

    def __init__(self):
        super().__init__()
        self.cls = torch.nn.Parameter(torch.randn(1, 1, 8))

    def forward(self, x):
        return torch.cat([self.cls.expand(x.size(0), -1, -1), x], 1)


models = [
    ('viewbatch', ViewBatch(), torch.rand(4, 3, 4) * 2 - 1),
    ('tail', Tail(), torch.rand(4, 4) * 2 - 1),
    ('encoder', torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True), torch.rand(4, 5, 8) * 2 - 1),
    ('attention', Attention(), torch.rand(4, 5, 8) * 2 - 1),
    ('positions', Positions(), torch.rand(4, 5, 8) * 2 - 1),
    ('classtoken', ClassToken(), torch.rand(4, 5, 8) * 2 - 1),
]
expected = {}
for name, module, x in models:
    module.eval()
    torch.onnx.export(module, x, f'{out}/{name}.onnx', opset_version=17, input_names=['x'], output_names=['y'],
                      dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
    with torch.no_grad():
        expected[f'{name}.x'] = x.numpy()
        expected[f'{name}.y'] = module(x).numpy()
np.savez(f'{out}/expected.npz', **expected)
