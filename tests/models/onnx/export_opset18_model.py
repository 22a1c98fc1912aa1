"""Writes an opset-18 model for the onnx model plugin tests (torch 1.13 exports up to opset 17, so it is built with
onnx.helper). Usage: python3 export_opset18_model.py OUT_DIR.

opset18.onnx: x float[batch, 6, 4] -> GroupNormalization (3 groups, scale and bias per group) -> Mish -> ReduceMean
over axis 2 (axes as an input, opset 18) -> Split into 2 equal parts (num_outputs, opset 18) -> Concat(b, a) -> Gemm
-> y float[batch, 2]. expected.npz holds the example input (opset18.x) and torch's output for it (opset18.y),
computed with F.group_norm and F.mish, not with tandem.
"""
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
rng = np.random.default_rng(3)
scale = rng.uniform(0.5, 1.5, 3).astype(np.float32)
bias = rng.standard_normal(3).astype(np.float32)
w = (rng.standard_normal((2, 6)) * 0.5).astype(np.float32)
c = rng.standard_normal(2).astype(np.float32)

nodes = [
    helper.make_node('GroupNormalization', ['x', 'scale', 'bias'], ['gn'], name='gn', num_groups=3, epsilon=1e-5),
    helper.make_node('Mish', ['gn'], ['act'], name='mish'),
    helper.make_node('ReduceMean', ['act', 'axes'], ['pooled'], name='pool', keepdims=0),
    helper.make_node('Split', ['pooled'], ['a', 'b'], name='split', axis=1, num_outputs=2),
    helper.make_node('Concat', ['b', 'a'], ['swapped'], name='swap', axis=1),
    helper.make_node('Gemm', ['swapped', 'w', 'c'], ['y'], name='fc', transB=1),
]
inits = [numpy_helper.from_array(scale, 'scale'), numpy_helper.from_array(bias, 'bias'), numpy_helper.from_array(np.array([2], np.int64), 'axes'),
         numpy_helper.from_array(w, 'w'), numpy_helper.from_array(c, 'c')]
graph = helper.make_graph(nodes, 'opset18', [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', 6, 4])],
                          [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['batch', 2])], inits)
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid('', 18)]), f'{out}/opset18.onnx')

x = torch.rand(5, 6, 4) * 4 - 2
per_channel = lambda v: torch.tensor(v).repeat_interleave(2)
h = F.mish(F.group_norm(x, 3, per_channel(scale), per_channel(bias), eps=1e-5)).mean(dim=2)
y = torch.cat([h[:, 3:], h[:, :3]], dim=1) @ torch.tensor(w).T + torch.tensor(c)
np.savez(f'{out}/expected.npz', **{'opset18.x': x.numpy(), 'opset18.y': y.numpy()})
