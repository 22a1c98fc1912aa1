"""Exports two attention models as a user would, for the parity attention test (tests/parity/attention.test.ts).

Usage: python3 export_attention.py OUT_DIR. Writes mha.onnx (torch.nn.MultiheadAttention and a linear head) and
vit.onnx (a 2-block pre-norm ViT: patch embedding, cls token, position embedding, LayerNorm, MultiheadAttention,
GELU MLP), both mapping x [16, 4, 8] (4 tokens of 8 features) to y_hat [16, 4, 1]. The modules are the zoo's
(src/orchestrator/zoo/zoo_models.py, `tandem zoo` rows multihead_attention and token_vit). The files are torch's
export, unmodified: the head splits and expands it computes from Shape are folded by tandem's importer.
Parameters are torch's own initialization (seed 0).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'src', 'orchestrator', 'zoo'))
from zoo_models import TOKENS, WIDTH, Attention, TokenViT  # noqa: E402

BATCH = 16

for name, make, opset in [("mha", Attention, 14), ("vit", TokenViT, 17)]:
    torch.manual_seed(0)
    path = f"{sys.argv[1]}/{name}.onnx"
    torch.onnx.export(make(), torch.randn(BATCH, TOKENS, WIDTH), path, opset_version=opset, input_names=["x"], output_names=["y_hat"], do_constant_folding=False)
