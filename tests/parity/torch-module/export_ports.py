"""Exports the graphs the torch-module reference tests pair with ports.py, as a user would with torch 1.13.

Usage: export_ports.py <dir>. Writes block.onnx (PaddedBlock: the right graph of Block), block_circular.onnx
(Block itself: torch's wrong circular-padding export), bn.onnx (BnBlock, training mode: its BatchNorm's
running statistics become buffers), stack.onnx (Stack: nested submodules) and mlp.onnx (eval-mode export with constant folding:
the Linear weights become transposed `onnx::MatMul_*` initializers)."""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ports  # noqa: E402

out = sys.argv[1]
x = torch.randn(8, 2, 16)
train = dict(opset_version=17, training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False, input_names=["x"], output_names=["y"])
torch.manual_seed(0)
torch.onnx.export(ports.PaddedBlock(), x, os.path.join(out, "block.onnx"), **train)
torch.manual_seed(0)
torch.onnx.export(ports.build(), x, os.path.join(out, "block_circular.onnx"), **train)
torch.manual_seed(0)
torch.onnx.export(ports.build_bn(), x, os.path.join(out, "bn.onnx"), **train)
torch.manual_seed(0)
torch.onnx.export(ports.build_stack(), x, os.path.join(out, "stack.onnx"), **train)
torch.manual_seed(0)  # the seed of the experiment: the factory rebuilds exactly these weights
torch.onnx.export(ports.build_mlp().eval(), x, os.path.join(out, "mlp.onnx"), opset_version=17, input_names=["x"], output_names=["y"])
