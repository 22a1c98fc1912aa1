"""Elementwise, matrix, reduction and normalisation ops of tandem's set, ONNX opset 17 semantics.

Each op is a function (inputs, attrs) -> output or tuple of outputs; inputs omitted in the graph are None.
Everything is written with differentiable torch ops, so torch.autograd can take (higher) derivatives.
"""
import functools

import numpy as np
import torch
import torch.nn.functional as F

# ONNX TensorProto.DataType codes -> torch dtypes (those Cast can target here).
TORCH_OF_ONNX = {
    1: torch.float32, 2: torch.uint8, 3: torch.int8, 5: torch.int16, 6: torch.int32,
    7: torch.int64, 9: torch.bool, 10: torch.float16, 11: torch.float64,
}


def _unary(fn):
    return lambda x, a: fn(x[0])


def Div(x, a):
    if x[0].is_floating_point():
        return x[0] / x[1]
    # ONNX integer division truncates toward zero (C semantics), like numpy's reference for positive values.
    return torch.div(x[0], x[1], rounding_mode="trunc")


def Pow(x, a):
    # ONNX Pow keeps the base's type whatever the exponent's type.
    return torch.pow(x[0], x[1]).to(x[0].dtype)


def LeakyRelu(x, a):
    return F.leaky_relu(x[0], a.get("alpha", 0.01))


def Softplus(x, a):
    # Exact log(1 + exp(x)); F.softplus switches to x above a threshold, which a reference should not do.
    return torch.logaddexp(x[0], torch.zeros((), dtype=x[0].dtype))


def Where(x, a):
    return torch.where(x[0].bool(), x[1], x[2])


def Max(x, a):
    return functools.reduce(torch.maximum, x)


def Min(x, a):
    return functools.reduce(torch.minimum, x)


def Gemm(x, a):
    A = x[0].t() if a.get("transA", 0) else x[0]
    B = x[1].t() if a.get("transB", 0) else x[1]
    y = a.get("alpha", 1.0) * (A @ B)
    if len(x) > 2 and x[2] is not None:
        y = y + a.get("beta", 1.0) * x[2]
    return y


def Cast(x, a):
    return x[0].to(TORCH_OF_ONNX[a["to"]])


def Constant(x, a):
    for key in ("value", "value_float", "value_floats", "value_int", "value_ints"):
        if key in a:
            v = a[key]
            if key == "value":
                return torch.from_numpy(np.array(v).copy())
            if key.startswith("value_float"):
                return torch.tensor(v, dtype=torch.float32)
            return torch.tensor(v, dtype=torch.int64)
    raise ValueError("Constant has none of value, value_float(s), value_int(s)")


def _axes(x, a, rank, input_index=1):
    """Reduce axes from the attribute (opset < 18) or the optional axes input (ReduceSum since 13)."""
    if len(x) > input_index and x[input_index] is not None:
        axes = [int(v) for v in x[input_index].flatten().tolist()]
    else:
        axes = list(a.get("axes", []))
    return [v % rank for v in axes] if rank else []


def _reduce(fn, x, a):
    t = x[0]
    axes = _axes(x, a, t.dim())
    keep = bool(a.get("keepdims", 1))
    if not axes:
        if a.get("noop_with_empty_axes", 0):
            return t
        axes = list(range(t.dim()))
    if not axes:  # rank 0
        return fn(t, None, keep)
    return fn(t, tuple(axes), keep)


def ReduceSum(x, a):
    return _reduce(lambda t, d, k: t.sum() if d is None else torch.sum(t, dim=d, keepdim=k), x, a)


def ReduceMean(x, a):
    return _reduce(lambda t, d, k: t.mean() if d is None else torch.mean(t, dim=d, keepdim=k), x, a)


def ReduceMax(x, a):
    return _reduce(lambda t, d, k: t.max() if d is None else torch.amax(t, dim=d, keepdim=k), x, a)


def Softmax(x, a):
    return torch.softmax(x[0], dim=a.get("axis", -1))


def LayerNormalization(x, a):
    t, scale = x[0], x[1]
    bias = x[2] if len(x) > 2 else None
    axis = a.get("axis", -1) % t.dim()
    eps = a.get("epsilon", 1e-5)
    dims = tuple(range(axis, t.dim()))
    y = F.layer_norm(t, t.shape[axis:], eps=eps) * scale
    if bias is not None:
        y = y + bias
    mean = t.mean(dim=dims, keepdim=True)
    inv_std = torch.rsqrt(((t - mean) ** 2).mean(dim=dims, keepdim=True) + eps)
    return y, mean, inv_std


def BatchNormalization(x, a):
    """Inference mode: the given statistics. Training mode: torch's own F.batch_norm(training=True), which updates
    copies of the running statistics in place (unbiased variance; ONNX momentum is torch's 1 - momentum)."""
    t, scale, bias, mean, var = x
    eps = a.get("epsilon", 1e-5)
    if not a.get("training_mode", 0):
        return F.batch_norm(t, mean, var, scale, bias, training=False, eps=eps)
    running_mean, running_var = mean.detach().clone(), var.detach().clone()
    y = F.batch_norm(t, running_mean, running_var, scale, bias, training=True, momentum=1 - a.get("momentum", 0.9), eps=eps)
    return y, running_mean, running_var


def InstanceNormalization(x, a):
    return F.instance_norm(x[0], weight=x[1], bias=x[2], eps=a.get("epsilon", 1e-5))


def GroupNormalization(x, a):
    # Opset 18 scales and shifts per group; F.group_norm per channel, so each group's value is repeated C/G times.
    t, scale, bias = x
    per_group = t.shape[1] // a["num_groups"]
    return F.group_norm(t, a["num_groups"], scale.repeat_interleave(per_group), bias.repeat_interleave(per_group), eps=a.get("epsilon", 1e-5))


OPS = {
    "Add": lambda x, a: x[0] + x[1],
    "Sub": lambda x, a: x[0] - x[1],
    "Mul": lambda x, a: x[0] * x[1],
    "Div": Div,
    "Pow": Pow,
    "Neg": _unary(torch.neg),
    "Abs": _unary(torch.abs),
    "Sqrt": _unary(torch.sqrt),
    "Exp": _unary(torch.exp),
    "Log": _unary(torch.log),
    "Sin": _unary(torch.sin),
    "Cos": _unary(torch.cos),
    "Tanh": _unary(torch.tanh),
    "Sigmoid": _unary(torch.sigmoid),
    "Relu": _unary(torch.relu),
    "Erf": _unary(torch.erf),
    "Identity": _unary(lambda t: t),
    "LeakyRelu": LeakyRelu,
    "Softplus": Softplus,
    "Where": Where,
    "Max": Max,
    "Min": Min,
    "Equal": lambda x, a: torch.eq(x[0], x[1]),
    "Greater": lambda x, a: torch.gt(x[0], x[1]),
    "Less": lambda x, a: torch.lt(x[0], x[1]),
    "MatMul": lambda x, a: torch.matmul(x[0], x[1]),
    "Gemm": Gemm,
    "Cast": Cast,
    "Constant": Constant,
    "ReduceSum": ReduceSum,
    "ReduceMean": ReduceMean,
    "ReduceMax": ReduceMax,
    "Softmax": Softmax,
    "LayerNormalization": LayerNormalization,
    "BatchNormalization": BatchNormalization,
    "InstanceNormalization": InstanceNormalization,
    "GroupNormalization": GroupNormalization,
}
