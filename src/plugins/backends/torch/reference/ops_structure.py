"""Structure, scatter and discrete ops: Split Tile DepthToSpace SpaceToDepth Einsum CumSum Trilu Range
GatherElements ScatterElements ScatterND Sign Floor Ceil Round ArgMax ArgMin (opset 17 semantics).

Written with differentiable torch ops where the op is differentiable, so torch.autograd checks tandem's rules.
"""
import math

import torch


def _ints(t):
    return [int(v) for v in t.flatten().tolist()] if t is not None else None


def Split(x, a):
    t = x[0]
    axis = a.get("axis", 0) % t.dim()
    split = _ints(x[1]) if len(x) > 1 and x[1] is not None else None
    if split is None:
        n = a["num_outputs"]  # set by the interpreter from the node's output count (opset 18 makes it an attribute)
        split = [t.shape[axis] // n] * n
    return tuple(torch.split(t, split, dim=axis))


def Tile(x, a):
    return x[0].repeat(*_ints(x[1]))


def DepthToSpace(x, a):
    t, b = x[0], a["blocksize"]
    n, c, h, w = t.shape
    if a.get("mode", "DCR") == "DCR":
        y = t.reshape(n, b, b, c // (b * b), h, w).permute(0, 3, 4, 1, 5, 2)
    else:
        y = t.reshape(n, c // (b * b), b, b, h, w).permute(0, 1, 4, 2, 5, 3)
    return y.reshape(n, c // (b * b), h * b, w * b)


def SpaceToDepth(x, a):
    t, b = x[0], a["blocksize"]
    n, c, h, w = t.shape
    y = t.reshape(n, c, h // b, b, w // b, b).permute(0, 3, 5, 1, 2, 4)
    return y.reshape(n, c * b * b, h // b, w // b)


def Einsum(x, a):
    return torch.einsum(a["equation"], *x)


def CumSum(x, a):
    t = x[0]
    axis = _ints(x[1])[0] % t.dim()
    if a.get("reverse", 0):
        t = t.flip(axis)
    y = torch.cumsum(t, axis)
    if a.get("exclusive", 0):
        # Shift by one along the axis: y_j = Σ_{i<j} x_i, with a leading zero.
        zero = torch.zeros_like(y.narrow(axis, 0, 1))
        y = torch.cat([zero, y.narrow(axis, 0, y.shape[axis] - 1)], axis)
    return y.flip(axis) if a.get("reverse", 0) else y


def Trilu(x, a):
    k = _ints(x[1])[0] if len(x) > 1 and x[1] is not None else 0
    return torch.triu(x[0], k) if a.get("upper", 1) else torch.tril(x[0], k)


def Range(x, a):
    start, limit, delta = (v.item() for v in x)
    n = max(math.ceil((limit - start) / delta), 0)
    # start + i·delta, as ONNX's reference and tandem's shape inference count it.
    return (torch.arange(n, dtype=torch.float64) * delta + start).to(x[0].dtype)


def _wrap(idx, dim):
    idx = idx.to(torch.int64)
    return torch.where(idx < 0, idx + dim, idx)


def GatherElements(x, a):
    t = x[0]
    axis = a.get("axis", 0) % t.dim()
    return torch.gather(t, axis, _wrap(x[1], t.shape[axis]))


def ScatterElements(x, a):
    t, u = x[0], x[2]
    axis = a.get("axis", 0) % t.dim()
    idx = _wrap(x[1], t.shape[axis])
    reduction = a.get("reduction", "none")
    if reduction == "none":
        return t.scatter(axis, idx, u)
    if reduction == "add":
        return t.scatter_add(axis, idx, u)
    return t.scatter_reduce(axis, idx, u, "prod", include_self=True)


def ScatterND(x, a):
    t, idx, u = x[0], x[1], x[2]
    q = idx.shape[-1]
    dims = torch.tensor(list(t.shape[:q]), dtype=torch.int64)
    idx = torch.where(idx < 0, idx + dims, idx)
    where = tuple(idx[..., k] for k in range(q))
    reduction = a.get("reduction", "none")
    if reduction == "mul":
        # index_put has no multiplying form: apply the updates one by one (ONNX's own reference does the same).
        y = t.clone()
        flat = idx.reshape(-1, q)
        for n, row in enumerate(flat.tolist()):
            y[tuple(row)] = y[tuple(row)] * u.reshape(-1, *t.shape[q:])[n]
        return y
    return t.index_put(where, u, accumulate=(reduction == "add"))


def ArgMax(x, a):
    return _arg(x[0], a, torch.argmax)


def ArgMin(x, a):
    return _arg(x[0], a, torch.argmin)


def _arg(t, a, f):
    axis = a.get("axis", 0) % t.dim()
    keep = bool(a.get("keepdims", 1))
    if a.get("select_last_index", 0):
        # torch returns the first of equal extremes: take it on the reversed axis and map it back.
        return t.shape[axis] - 1 - f(t.flip(axis), dim=axis, keepdim=keep)
    return f(t, dim=axis, keepdim=keep)


OPS = {
    "Split": Split, "Tile": Tile, "DepthToSpace": DepthToSpace, "SpaceToDepth": SpaceToDepth, "Einsum": Einsum,
    "CumSum": CumSum, "Trilu": Trilu, "Range": Range, "GatherElements": GatherElements,
    "ScatterElements": ScatterElements, "ScatterND": ScatterND,
    "Sign": lambda x, a: torch.sign(x[0]), "Floor": lambda x, a: torch.floor(x[0]), "Ceil": lambda x, a: torch.ceil(x[0]),
    # torch.round rounds halves to even, as ONNX Round does.
    "Round": lambda x, a: torch.round(x[0]),
    "ArgMax": ArgMax, "ArgMin": ArgMin,
}
