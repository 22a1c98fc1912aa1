"""Exports the small torch models the onnx model plugin tests train (run with Debian's /usr/bin/python3).

Usage: python3 export_torch_models.py OUT_DIR. Writes <name>.onnx per model and expected.npz holding, per
model, the example input (<name>.x) and what the torch module itself returns for it (<name>.y), so the test
checks tandem's import against torch's own forward, not against tandem.
"""
import sys

import numpy as np
import torch
from view_batch import ViewBatch

torch.manual_seed(0)
out = sys.argv[1]


class Cnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.pool = torch.nn.MaxPool2d(2)
        self.fc = torch.nn.Linear(4 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(torch.relu(self.conv(x))), 1))


class Axes(torch.nn.Module):
    """Squeeze/Unsqueeze/ReduceSum: their axes are attributes before opset 13 and inputs from 13 on."""

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.tensor([1.5, -0.5, 2.0]))

    def forward(self, x):
        return (x.squeeze(1) * self.scale).unsqueeze(1).sum(dim=2, keepdim=True).squeeze(1)


class Split(torch.nn.Module):
    """torch.split into unequal parts: Split with a `split` attribute before opset 13, an input from 13 on."""

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(3, 5)

    def forward(self, x):
        a, b = torch.split(self.fc(x), [2, 3], dim=1)
        return torch.cat([b * 2, torch.tanh(a)], dim=1)


class CausalAttention(torch.nn.Module):
    """Single-head attention written with torch.einsum (exports Einsum), a causal torch.tril (Trilu) and a cumsum (CumSum)."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v = (torch.nn.Linear(4, 4) for _ in range(3))

    def forward(self, x):
        scores = torch.tril(torch.einsum('btd,bsd->bts', self.q(x), self.k(x)))
        return torch.cumsum(torch.einsum('bts,bsd->btd', scores.softmax(-1), self.v(x)), dim=1)


class PixelShuffle(torch.nn.Module):
    """Conv then nn.PixelShuffle (DepthToSpace, mode CRD), the sub-pixel upsampling of super-resolution models."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.shuffle = torch.nn.PixelShuffle(2)

    def forward(self, x):
        return self.shuffle(torch.tanh(self.conv(x)))


class Unsupported(torch.nn.Module):
    def forward(self, x):
        return torch.log_softmax(torch.atan(x), dim=-1)


class Layers(torch.nn.Module):
    """The activation, normalization and pooling layers of torchvision-style models, as torch exports them:
    InstanceNormalization, Clip (relu6), HardSwish, Elu, Selu, Celu, HardSigmoid, PRelu, GlobalAveragePool, a
    MaxPool over the whole image (adaptive_max_pool2d(1)), and softsign and mish spelled out in other ops."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(2, 4, 3, padding=1)
        self.inorm = torch.nn.InstanceNorm2d(4, affine=True)
        self.prelu = torch.nn.PReLU(4)
        self.fc = torch.nn.Linear(4, 3)

    def forward(self, x):
        F = torch.nn.functional
        h = self.inorm(self.conv(x))
        h = (F.relu6(h) + F.hardswish(h) + F.elu(h, 0.7) + F.selu(h) + F.celu(h, 0.5) + F.softsign(h)
             + F.hardsigmoid(h) + F.mish(h) + self.prelu(h))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1) + F.adaptive_max_pool2d(h, 1), 1))


def bn_mlp():
    """Linear → BatchNorm1d → Tanh → Linear in eval(): BatchNormalization stays a node (only Conv+BN is folded),
    with running statistics away from 0 and 1 so that using them matters."""
    m = torch.nn.Sequential(torch.nn.Linear(2, 8), torch.nn.BatchNorm1d(8), torch.nn.Tanh(), torch.nn.Linear(8, 1))
    m[1].running_mean.uniform_(-0.5, 0.5)
    m[1].running_var.uniform_(0.5, 2.0)
    return m


mlp = torch.nn.Sequential(torch.nn.Linear(2, 16), torch.nn.Tanh(), torch.nn.Linear(16, 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
models = [
    # (name, module, example input, opset, dynamic batch axis)
    ('mlp', mlp, torch.rand(8, 2) * 2 - 1, 13, True),
    ('cnn', Cnn(), torch.rand(8, 1, 8, 8) * 2 - 1, 17, False),
    ('axes11', Axes(), torch.rand(5, 1, 3) * 2 - 1, 11, False),
    # Linear on a 3-D input: MatMul (with the weight pre-transposed, renamed onnx::MatMul_*) + Add, not Gemm.
    ('linear3d', torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh()), torch.rand(6, 5, 3) * 2 - 1, 17, False),
    ('softmax11', torch.nn.Softmax(dim=-1), torch.rand(4, 3), 11, False),
    ('split11', Split(), torch.rand(4, 3) * 2 - 1, 11, True),
    ('viewbatch', ViewBatch(), torch.rand(8, 3, 4) * 2 - 1, 17, False),
    ('attention', CausalAttention(), torch.rand(6, 5, 4) * 2 - 1, 17, True),
    ('pixelshuffle', PixelShuffle(), torch.rand(6, 1, 4, 4) * 2 - 1, 17, True),
    ('unsupported', Unsupported(), torch.rand(4, 3), 17, False),
    ('bnmlp', bn_mlp(), torch.rand(6, 2) * 2 - 1, 17, True),
    ('layers', Layers(), torch.rand(6, 2, 6, 6) * 4 - 2, 17, True),
]
expected = {}
for name, module, x, opset, dynamic in models:
    module.eval()
    axes = {'x': {0: 'batch'}, 'y': {0: 'batch'}} if dynamic else None
    torch.onnx.export(module, x, f'{out}/{name}.onnx', opset_version=opset, input_names=['x'], output_names=['y'], dynamic_axes=axes)
    with torch.no_grad():
        expected[f'{name}.x'] = x.numpy()
        expected[f'{name}.y'] = module(x).numpy()
np.savez(f'{out}/expected.npz', **expected)
