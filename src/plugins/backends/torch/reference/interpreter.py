"""A small torch interpreter of tandem's op set: reads an ONNX model with python3-onnx and runs its nodes
one torch function at a time. Nothing here knows about tandem's autodiff: gradients come from torch.autograd."""
import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from errors import NodeError, RequestError
from ops_dft import OPS as DFT_OPS
from ops_math import OPS as MATH_OPS
from ops_nn import OPS as NN_OPS
from ops_shape import OPS as SHAPE_OPS
from ops_structure import OPS as STRUCTURE_OPS

OPS = {**MATH_OPS, **SHAPE_OPS, **NN_OPS, **DFT_OPS, **STRUCTURE_OPS}


def _attr(p):
    v = helper.get_attribute_value(p)
    if isinstance(v, bytes):
        return v.decode("utf-8")
    if isinstance(v, onnx.TensorProto):
        return numpy_helper.to_array(v)
    if isinstance(v, list) and v and isinstance(v[0], bytes):
        return [s.decode("utf-8") for s in v]
    return v


def _node_attrs(n):
    attrs = {p.name: _attr(p) for p in n.attribute}
    if n.op_type == "Split":
        # Without a split input the parts are equal, one per output: opset 18 spells that count num_outputs.
        attrs.setdefault("num_outputs", len(n.output))
    return attrs


class Program:
    """One loaded graph: constants as torch tensors, nodes with decoded attributes, in topological order."""

    def __init__(self, model_bytes, label):
        model = onnx.load_model_from_string(model_bytes)
        g = model.graph
        self.label = label or g.name
        self.constants = {i.name: torch.from_numpy(np.array(numpy_helper.to_array(i)).copy()) for i in g.initializer}
        self.inputs = [i.name for i in g.input if i.name not in self.constants]
        self.outputs = [o.name for o in g.output]
        self.nodes = [(n.name or f"{n.op_type}_{k}", n.op_type, list(n.input), list(n.output), _node_attrs(n)) for k, n in enumerate(g.node)]
        unknown = sorted({op for _, op, _, _, _ in self.nodes if op not in OPS})
        if unknown:
            raise RequestError(f'graph "{self.label}" uses op(s) {", ".join(unknown)}, which the torch reference interpreter does not implement; '
                                  f'it implements {", ".join(sorted(OPS))}')

    def run(self, env, derive=None):
        """Runs every node on `env` (name -> tensor, holding the graph inputs) and returns env extended.
        A value no node computes and no feed holds is asked of `derive(name, env)` (derivative terms)."""
        env = {**self.constants, **env}
        for name, op, ins, outs, attrs in self.nodes:
            for i in ins:
                if i and i not in env and derive is not None:
                    v = derive(i, env)
                    if v is not None:
                        env[i] = v
            missing = [i for i in ins if i and i not in env]
            if missing:
                raise RequestError(f'graph "{self.label}": node "{name}" ({op}) needs {", ".join(missing)}, which is neither fed nor computed')
            args = [env[i] if i else None for i in ins]
            try:
                res = OPS[op](args, attrs)
            except Exception as e:
                raise NodeError(name, op, e) from e
            res = res if isinstance(res, tuple) else (res,)
            for o, v in zip(outs, res):
                if o:
                    env[o] = v
        return env
