"""Exports two attention models as a user would, for the parity attention test (tests/parity/attention.test.ts).

Usage: python3 export_attention.py OUT_DIR. Writes mha.onnx (torch.nn.MultiheadAttention and a linear head) and
vit.onnx (a 2-block pre-norm ViT: patch embedding, cls token, position embedding, LayerNorm, MultiheadAttention,
GELU MLP), both mapping x [16, 4, 8] (4 tokens of 8 features) to y_hat [16, 4, 1]. torch 1.13 computes head
splits and expands from Shape (Shape → Gather → Mul → Slice ends, Concat → Reshape), which tandem's importer
refuses (it infers static shapes). With the input shape fixed that arithmetic is constant: it is folded here into
Constant nodes, the one rewrite the export needs. Parameters are torch's own initialization (seed 0).
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
        return self.head(self.norm(self.blocks(x))[:, 1 : TOKENS + 1])  # an explicit end: tfjs has no int64 for "to the end"


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
    "Reshape": lambda n, x, shape: x.reshape(shape),
    "Slice": lambda n, x, starts, ends, axes=None, steps=None: x[int(starts[0]):int(ends[0]):int(steps[0]) if steps is not None else 1],
    "Equal": lambda n, a, b: np.equal(a, b),
    "Where": lambda n, c, a, b: np.where(c, a, b),
    "ConstantOfShape": lambda n, shape: np.full(shape, numpy_helper.to_array(attr(n, "value")) if attr(n, "value") else 0.0),
}


def fold_shapes(model):
    """Replaces Shape of a statically shaped value, and arithmetic on constants only, by Constant nodes, until
    shape inference learns nothing new (a folded Expand shape lets it infer the shapes after it)."""
    for _ in range(8):
        before = len(model.graph.node), sum(n.op_type == "Constant" for n in model.graph.node)
        model = fold_once(model)
        del model.graph.value_info[:]  # stale unknown shapes would otherwise stay unknown
        model = shape_inference.infer_shapes(model, data_prop=True)
        if (len(model.graph.node), sum(n.op_type == "Constant" for n in model.graph.node)) == before:
            return model
    return model


def fold_once(model):
    g = model.graph
    dims = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim] for v in list(g.value_info) + list(g.input)}
    # Integer initializers are shape constants too (torch keeps some as initializers, e.g. in flatten).
    known = {t.name: numpy_helper.to_array(t) for t in g.initializer if t.data_type == onnx.TensorProto.INT64}
    nodes = []
    for n in g.node:
        if n.op_type == "Constant":
            known[n.output[0]] = numpy_helper.to_array(attr(n, "value"))
            nodes.append(n)
            continue
        if n.op_type == "Shape" and dims.get(n.input[0]) and all(dims[n.input[0]]):
            value = np.array(dims[n.input[0]], dtype=np.int64)
        # Shape arithmetic only: 1-D integer vectors (a Slice of one keeps its single axis).
        elif n.op_type in FOLD and all(i in known and known[i].ndim <= 1 for i in n.input if i):
            value = np.asarray(FOLD[n.op_type](n, *[known[i] for i in n.input if i]))
        else:
            nodes.append(n)
            continue
        known[n.output[0]] = value
        nodes.append(helper.make_node("Constant", [], [n.output[0]], value=numpy_helper.from_array(value)))
    del g.node[:]
    g.node.extend(nodes)
    return model


for name, make, opset in [("mha", Attention, 14), ("vit", ViT, 17)]:
    torch.manual_seed(0)
    path = f"{sys.argv[1]}/{name}.onnx"
    torch.onnx.export(make(), torch.randn(BATCH, TOKENS, WIDTH), path, opset_version=opset, input_names=["x"], output_names=["y_hat"], do_constant_folding=False)
    onnx.save(fold_shapes(shape_inference.infer_shapes(onnx.load(path))), path)
