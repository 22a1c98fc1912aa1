"""Exports torch.nn.MultiheadAttention (+ a linear head) as a user would, for the parity attention test.

Usage: python3 export_mha.py OUT.onnx. torch 1.13 computes the head split from the input's Shape (Shape → Gather
→ Mul → Slice ends, Concat → Reshape), which tandem's importer refuses (it infers static shapes). With the
input shape fixed, that arithmetic is constant: it is folded here into Constant nodes, the one rewrite the
export needs. Parameters are torch's own initialization (seed 0).
"""
import sys

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper, shape_inference

TOKENS, WIDTH, HEADS, BATCH = 4, 8, 2, 16


class Attention(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.att = torch.nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
        self.head = torch.nn.Linear(WIDTH, 1)

    def forward(self, x):
        a, _ = self.att(x, x, x, need_weights=False)
        return self.head(torch.tanh(a))


def attr(node, key, default=None):
    return next((helper.get_attribute_value(a) for a in node.attribute if a.name == key), default)


FOLD = {
    "Gather": lambda n, x, i: np.take(x, i, axis=attr(n, "axis", 0)),
    "Mul": lambda n, a, b: a * b,
    "Add": lambda n, a, b: a + b,
    "Sub": lambda n, a, b: a - b,
    "Div": lambda n, a, b: a // b if a.dtype.kind == "i" else a / b,
    "Unsqueeze": lambda n, x, axes: np.expand_dims(x, tuple(axes.tolist())),
    "Concat": lambda n, *xs: np.concatenate(xs, axis=attr(n, "axis")),
}


def fold_shapes(model):
    """Replaces Shape of a statically shaped value, and arithmetic on constants only, by Constant nodes."""
    g = model.graph
    dims = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in list(g.value_info) + list(g.input)}
    known, nodes = {}, []
    for n in g.node:
        if n.op_type == "Constant":
            known[n.output[0]] = numpy_helper.to_array(attr(n, "value"))
            nodes.append(n)
            continue
        if n.op_type == "Shape" and all(dims.get(n.input[0], [0])):
            value = np.array(dims[n.input[0]], dtype=np.int64)
        elif n.op_type in FOLD and all(i in known for i in n.input if i):
            value = np.asarray(FOLD[n.op_type](n, *[known[i] for i in n.input if i]))
        else:
            nodes.append(n)
            continue
        known[n.output[0]] = value
        nodes.append(helper.make_node("Constant", [], [n.output[0]], value=numpy_helper.from_array(value)))
    del g.node[:]
    g.node.extend(nodes)
    return model


torch.manual_seed(0)
path = sys.argv[1]
torch.onnx.export(Attention(), torch.randn(BATCH, TOKENS, WIDTH), path, opset_version=14, input_names=["x"], output_names=["y_hat"], do_constant_folding=False)
onnx.save(fold_shapes(shape_inference.infer_shapes(onnx.load(path))), path)
