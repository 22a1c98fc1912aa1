"""Exports nn.TransformerEncoderLayer in eval mode, where torch.onnx.export merges initializers that start equal
(norm1.weight and norm2.weight are ones; three biases are zeros), for tied-initializers.test.ts.

Usage: python3 export_tied_models.py OUT_DIR. Writes encoder.onnx and expected.npz holding the input x, a target t,
and the gradients torch.autograd gives the module's own parameters for F.mse_loss(module(x), t) (grad.<name>).
"""
import sys

import numpy as np
import torch

torch.manual_seed(0)
out = sys.argv[1]
module = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True).eval()
x = torch.rand(3, 5, 8) * 2 - 1
t = torch.rand(3, 5, 8) * 2 - 1
torch.onnx.export(module, x, f'{out}/encoder.onnx', opset_version=17, input_names=['x'], output_names=['y'],
                  dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
torch.nn.functional.mse_loss(module(x), t).backward()
grads = {f'grad.{k}': p.grad.numpy() for k, p in module.named_parameters() if k.startswith('norm')}
np.savez(f'{out}/expected.npz', x=x.numpy(), t=t.numpy(), **grads)
