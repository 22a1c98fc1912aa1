"""Exports two attention models as a user would, for the parity attention test (tests/parity/attention.test.ts).

Usage: python3 export_attention.py OUT_DIR. Writes mha.onnx (torch.nn.MultiheadAttention and a linear head) and
vit.onnx (a 2-block pre-norm ViT: patch embedding, cls token, position embedding, LayerNorm, MultiheadAttention,
GELU MLP), both mapping x [16, 4, 8] (4 tokens of 8 features) to y_hat [16, 4, 1]. The files are torch's export,
unmodified: the head splits and expands it computes from Shape are folded by tandem's importer. Parameters are
torch's own initialization (seed 0).
"""
import sys

import torch

TOKENS, WIDTH, HEADS, BATCH = 4, 8, 2, 16


class Attention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.att = torch.nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
        self.head = torch.nn.Linear(WIDTH, 1)

    def forward(self, x):
        a, _ = self.att(x, x, x, need_weights=False)
        return self.head(torch.tanh(a))


class Block(torch.nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(width)
        self.att = torch.nn.MultiheadAttention(width, heads, batch_first=True)
        self.ln2 = torch.nn.LayerNorm(width)
        self.mlp = torch.nn.Sequential(torch.nn.Linear(width, 2 * width), torch.nn.GELU(), torch.nn.Linear(2 * width, width))

    def forward(self, x):
        y = self.ln1(x)
        x = x + self.att(y, y, y, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class ViT(torch.nn.Module):
    """Patch tokens in, one prediction per patch token out; the cls token takes part in attention."""

    def __init__(self, width=16, depth=2):
        super().__init__()
        self.embed = torch.nn.Linear(WIDTH, width)
        self.cls = torch.nn.Parameter(torch.randn(1, 1, width) * 0.02)
        self.pos = torch.nn.Parameter(torch.randn(1, TOKENS + 1, width) * 0.02)
        self.blocks = torch.nn.Sequential(*[Block(width, HEADS) for _ in range(depth)])
        self.norm = torch.nn.LayerNorm(width)
        self.head = torch.nn.Linear(width, 1)

    def forward(self, x):
        x = self.embed(x)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1) + self.pos
        return self.head(self.norm(self.blocks(x))[:, 1:])


for name, make, opset in [("mha", Attention, 14), ("vit", ViT, 17)]:
    torch.manual_seed(0)
    path = f"{sys.argv[1]}/{name}.onnx"
    torch.onnx.export(make(), torch.randn(BATCH, TOKENS, WIDTH), path, opset_version=opset, input_names=["x"], output_names=["y_hat"], do_constant_folding=False)
