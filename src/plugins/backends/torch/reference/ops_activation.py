"""Activations of tandem's set beyond the elementwise basics, ONNX opset 17 semantics, each through torch's own
function where its parametrization covers the ONNX attributes, so torch.autograd (not tandem's rules) differentiates it."""
import torch
import torch.nn.functional as F


def Clip(x, a):
    t, lo, hi = (list(x) + [None, None])[:3]
    if lo is None and hi is None:
        return t
    # torch.clamp with tensor bounds is min(max(t, lo), hi), ONNX's order (min > max gives max).
    return torch.clamp(t, min=lo, max=hi)


def PRelu(x, a):
    # ONNX's slope broadcasts numpy-style (trailing axes); F.prelu takes one slope, or one per channel (axis 1),
    # which is what torch exports ([C, 1, …]). Other slope shapes take the same function spelled out.
    t, slope = x
    per_channel = t.dim() >= 2 and list(slope.shape) == [t.shape[1]] + [1] * (t.dim() - 2)
    if slope.numel() == 1 or per_channel:
        return F.prelu(t, slope.reshape(-1))
    return torch.where(t < 0, t * slope, t)


def HardSigmoid(x, a):
    alpha, beta = a.get("alpha", 0.2), a.get("beta", 0.5)
    # F.hardsigmoid is fixed at α = 1/6, β = ½ (what torch exports); other ONNX values are the same clamp.
    if abs(alpha - 1 / 6) < 1e-7 and beta == 0.5:
        return F.hardsigmoid(x[0])
    return torch.clamp(alpha * x[0] + beta, 0, 1)


def Selu(x, a):
    # F.selu fixes α and γ at the ONNX defaults; F.elu scaled by γ is selu for any attributes.
    return a.get("gamma", 1.05070102214813232421875) * F.elu(x[0], a.get("alpha", 1.67326319217681884765625))


OPS = {
    "Clip": Clip,
    "PRelu": PRelu,
    "HardSigmoid": HardSigmoid,
    "HardSwish": lambda x, a: F.hardswish(x[0]),
    "Elu": lambda x, a: F.elu(x[0], a.get("alpha", 1.0)),
    "Selu": Selu,
    "Celu": lambda x, a: F.celu(x[0], a.get("alpha", 1.0)),
    "Softsign": lambda x, a: F.softsign(x[0]),
    "Mish": lambda x, a: F.mish(x[0]),
}
