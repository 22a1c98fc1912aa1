"""Shape and indexing ops: Reshape Transpose Concat Slice Pad Gather Expand Squeeze Unsqueeze (opset 17).

Shape-like inputs (shape, starts, axes, pads) arrive as int64 tensors and are read with .tolist().
Negative-step slices and reflect/edge pads use index_select, which is differentiable and works on any axis.
"""
import torch
import torch.nn.functional as F


def _ints(t):
    return [int(v) for v in t.flatten().tolist()] if t is not None else None


def Reshape(x, a):
    t, shape = x[0], _ints(x[1])
    if not a.get("allowzero", 0):
        shape = [t.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return torch.reshape(t, shape)


def Transpose(x, a):
    t = x[0]
    perm = a.get("perm") or list(reversed(range(t.dim())))
    return t.permute(*perm)


def Concat(x, a):
    return torch.cat([t for t in x if t is not None], dim=a["axis"])


def Slice(x, a):
    t = x[0]
    starts, ends = _ints(x[1]), _ints(x[2])
    axes = _ints(x[3]) if len(x) > 3 and x[3] is not None else list(range(len(starts)))
    steps = _ints(x[4]) if len(x) > 4 and x[4] is not None else [1] * len(starts)
    for s, e, ax, st in zip(starts, ends, axes, steps):
        ax %= t.dim()
        # Python's slice.indices clamps start/end exactly as ONNX Slice specifies (numpy semantics).
        idx = range(*slice(s, e, st).indices(t.shape[ax]))
        if st > 0:
            t = t.narrow(ax, idx.start, len(idx)) if st == 1 else t[(slice(None),) * ax + (slice(idx.start, idx.stop, st),)]
        else:
            t = torch.index_select(t, ax, torch.tensor(list(idx), dtype=torch.int64))
    return t


def _pad_index(n, before, after, mode):
    """Source index of every output position along one axis, for reflect and edge padding."""
    out = []
    for i in range(-before, n + after):
        if mode == "edge":
            out.append(min(max(i, 0), n - 1))
        else:  # reflect, without repeating the edge value (numpy 'reflect')
            period = 2 * (n - 1) if n > 1 else 1
            j = i % period
            out.append(j if j < n else period - j)
    return torch.tensor(out, dtype=torch.int64)


def Pad(x, a):
    t, pads = x[0], _ints(x[1])
    value = x[2].item() if len(x) > 2 and x[2] is not None and x[2].numel() else 0
    r = t.dim()
    axes = [v % r for v in _ints(x[3])] if len(x) > 3 and x[3] is not None else list(range(r))
    k = len(axes)
    begin = dict(zip(axes, pads[:k]))
    end = dict(zip(axes, pads[k:]))
    mode = a.get("mode", "constant")
    if mode == "constant":
        flat = []
        for ax in reversed(range(r)):
            flat += [begin.get(ax, 0), end.get(ax, 0)]
        return F.pad(t, flat, mode="constant", value=value)
    if mode not in ("reflect", "edge"):
        raise ValueError(f'Pad mode "{mode}" is outside the tandem op set (its graph reader refuses it too); use constant, reflect or edge')
    for ax in axes:
        if begin[ax] or end[ax]:
            t = torch.index_select(t, ax, _pad_index(t.shape[ax], begin[ax], end[ax], mode))
    return t


def Gather(x, a):
    t, idx = x[0], x[1].to(torch.int64)
    ax = a.get("axis", 0) % t.dim()
    idx = torch.where(idx < 0, idx + t.shape[ax], idx)
    y = torch.index_select(t, ax, idx.flatten())
    return y.reshape(list(t.shape[:ax]) + list(idx.shape) + list(t.shape[ax + 1:]))


def Expand(x, a):
    t, shape = x[0], _ints(x[1])
    return t.expand(torch.broadcast_shapes(tuple(t.shape), tuple(shape)))


def Squeeze(x, a):
    t = x[0]
    axes = _ints(x[1]) if len(x) > 1 and x[1] is not None else [i for i, d in enumerate(t.shape) if d == 1]
    for ax in sorted((v % t.dim() for v in axes), reverse=True):
        if t.shape[ax] != 1:
            raise ValueError(f"Squeeze axis {ax} has size {t.shape[ax]}, not 1")
        t = t.squeeze(ax)
    return t


def Unsqueeze(x, a):
    t, axes = x[0], _ints(x[1])
    rank = t.dim() + len(axes)
    for ax in sorted(v % rank for v in axes):
        t = t.unsqueeze(ax)
    return t


OPS = {
    "Reshape": Reshape, "Transpose": Transpose, "Concat": Concat, "Slice": Slice, "Pad": Pad,
    "Gather": Gather, "Expand": Expand, "Squeeze": Squeeze, "Unsqueeze": Unsqueeze,
}
