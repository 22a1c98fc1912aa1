"""Convolution, pooling and Resize (opset 17 semantics, 1-D to 3-D).

torch's own padding is symmetric, so every ONNX pad (asymmetric, auto_pad, ceil_mode overhang) is applied
explicitly with F.pad first and torch's kernels run unpadded.
"""
import math

import torch
import torch.nn.functional as F

CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}


def _flat_pads(begin, end):
    """Per-axis (begin, end) pads of the spatial axes in F.pad's order: last axis first."""
    out = []
    for b, e in reversed(list(zip(begin, end))):
        out += [b, e]
    return out


def _same_pads(total, auto_pad):
    begin = [t // 2 if auto_pad == "SAME_UPPER" else t - t // 2 for t in total]
    return begin, [t - b for t, b in zip(total, begin)]


def _window_geometry(ins, a, kernel, dil, ceil_mode=0):
    """ONNX pads (begin, end), the ceil_mode overhang to add at the end, and the output size per axis."""
    n = len(ins)
    strides = a.get("strides") or [1] * n
    eff = [(k - 1) * d + 1 for k, d in zip(kernel, dil)]
    auto = a.get("auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        out = [math.ceil(i / s) for i, s in zip(ins, strides)]
        begin, end = _same_pads([max(0, (o - 1) * s + e - i) for o, s, e, i in zip(out, strides, eff, ins)], auto)
    elif auto == "VALID":
        begin, end = [0] * n, [0] * n
        out = [math.ceil((i - e + 1) / s) for i, e, s in zip(ins, eff, strides)]
    else:
        pads = a.get("pads") or [0] * (2 * n)
        begin, end = pads[:n], pads[n:]
        rnd = math.ceil if ceil_mode else math.floor
        out = [rnd((i + b + en - e) / s) + 1 for i, b, en, e, s in zip(ins, begin, end, eff, strides)]
        if ceil_mode:
            # As onnxruntime (and torch): a last window that would start in the end padding is dropped.
            out = [o - 1 if (o - 1) * s >= i + b else o for o, s, i, b in zip(out, strides, ins, begin)]
    overhang = [max(0, (o - 1) * s + e - (i + b + en)) for o, s, e, i, b, en in zip(out, strides, eff, ins, begin, end)]
    return begin, end, overhang, out, strides


def Conv(x, a):
    t, w = x[0], x[1]
    bias = x[2] if len(x) > 2 else None
    n = t.dim() - 2
    dil = a.get("dilations") or [1] * n
    begin, end, _, _, strides = _window_geometry(list(t.shape[2:]), a, list(w.shape[2:]), dil)
    t = F.pad(t, _flat_pads(begin, end))
    return CONV[n](t, w, bias, stride=strides, dilation=dil, groups=a.get("group", 1))


def ConvTranspose(x, a):
    t, w = x[0], x[1]
    bias = x[2] if len(x) > 2 else None
    n = t.dim() - 2
    ins, kernel = list(t.shape[2:]), list(w.shape[2:])
    strides = a.get("strides") or [1] * n
    dil = a.get("dilations") or [1] * n
    out_pad = a.get("output_padding") or [0] * n
    full = CONV_T[n](t, w, None, stride=strides, groups=a.get("group", 1), dilation=dil)
    natural = [s * (i - 1) + op + (k - 1) * d + 1 for s, i, op, k, d in zip(strides, ins, out_pad, kernel, dil)]
    auto = a.get("auto_pad", "NOTSET")
    if a.get("output_shape") or auto in ("SAME_UPPER", "SAME_LOWER"):
        shape = a.get("output_shape") or [i * s for i, s in zip(ins, strides)]
        shape = shape[-n:]
        total = [nat - o for nat, o in zip(natural, shape)]
        # ONNX puts the odd pixel at the start unless SAME_UPPER, the reverse of Conv's SAME_LOWER rule.
        begin, end = _same_pads(total, "SAME_UPPER" if auto == "SAME_UPPER" else "SAME_LOWER")
    elif auto == "VALID":
        begin, end = [0] * n, [0] * n
    else:
        pads = a.get("pads") or [0] * (2 * n)
        begin, end = pads[:n], pads[n:]
    # output_padding adds zeros at the end; pads crop. F.pad's negative widths crop.
    y = F.pad(full, _flat_pads([-b for b in begin], [op - e for op, e in zip(out_pad, end)]))
    if bias is not None:
        y = y + bias.reshape([1, -1] + [1] * n)
    return y


def MaxPool(x, a):
    t = x[0]
    n = t.dim() - 2
    kernel = a["kernel_shape"]
    dil = a.get("dilations") or [1] * n
    begin, end, over, out, strides = _window_geometry(list(t.shape[2:]), a, kernel, dil, a.get("ceil_mode", 0))
    work = t if t.is_floating_point() else t.to(torch.float64)
    work = F.pad(work, _flat_pads(begin, [e + o for e, o in zip(end, over)]), value=-math.inf)
    y, where = MAX_POOL[n](work, kernel, strides, 0, dil, return_indices=True)
    return y.to(t.dtype), _onnx_indices(where, list(work.shape[2:]), list(t.shape), begin, a.get("storage_order", 0))


def _onnx_indices(where, padded, shape, begin, storage_order):
    """torch's argmax indices (flat within each padded (n, c) plane) as ONNX's: flat over the whole unpadded
    input, row-major (storage_order 0) or with the spatial axes column-major (storage_order 1)."""
    spatial = shape[2:]
    coords, rest = [], where
    for size in reversed(padded):
        coords.insert(0, rest % size)
        rest = rest // size
    coords = [c - b for c, b in zip(coords, begin)]
    order = range(len(spatial)) if not storage_order else reversed(range(len(spatial)))
    flat = torch.zeros_like(where)
    for i in order:
        flat = flat * spatial[i] + coords[i]
    plane = math.prod(spatial)
    nc = torch.arange(shape[0] * shape[1], dtype=torch.int64).reshape(shape[0], shape[1], *([1] * len(spatial)))
    return nc * plane + flat


def AveragePool(x, a):
    t = x[0]
    n = t.dim() - 2
    kernel = a["kernel_shape"]
    begin, end, over, out, strides = _window_geometry(list(t.shape[2:]), a, kernel, [1] * n, a.get("ceil_mode", 0))
    flat = _flat_pads(begin, [e + o for e, o in zip(end, over)])
    size = math.prod(kernel)
    sums = AVG_POOL[n](F.pad(t, flat), kernel, strides) * size
    # The divisor is the number of counted cells under each window: data cells, plus explicit pads when
    # count_include_pad; never the ceil_mode overhang.
    mask = torch.ones([1, 1] + list(t.shape[2:]), dtype=t.dtype)
    if a.get("count_include_pad", 0):
        mask = F.pad(mask, _flat_pads(begin, end), value=1.0)
        mask = F.pad(mask, _flat_pads([0] * n, over), value=0.0)
    else:
        mask = F.pad(mask, flat, value=0.0)
    counts = AVG_POOL[n](mask, kernel, strides) * size
    return sums / counts


def _source_coords(out_len, in_len, scale, mode):
    """ONNX Resize's x_original for every output index. Like the ONNX reference (and its test data), the
    resized length in these formulas is in_len·scale, unrounded, when the size came from scales."""
    x = torch.arange(out_len, dtype=torch.float64)
    resized = in_len * scale
    if mode == "half_pixel":
        return (x + 0.5) / scale - 0.5
    if mode == "pytorch_half_pixel":
        return (x + 0.5) / scale - 0.5 if resized > 1 else torch.zeros(out_len, dtype=torch.float64)
    if mode == "align_corners":
        return x * (in_len - 1) / (resized - 1) if out_len > 1 else torch.zeros(out_len, dtype=torch.float64)
    if mode == "asymmetric":
        return x / scale
    raise ValueError(f'coordinate_transformation_mode "{mode}" is outside the tandem op set (its graph reader refuses it too); use half_pixel, pytorch_half_pixel, align_corners or asymmetric')


def _nearest(c, rule):
    if rule == "round_prefer_floor":
        return torch.ceil(c - 0.5)
    if rule == "round_prefer_ceil":
        return torch.floor(c + 0.5)
    if rule == "floor":
        return torch.floor(c)
    if rule == "ceil":
        return torch.ceil(c)
    raise ValueError(f'nearest_mode "{rule}" is outside the tandem op set; use round_prefer_floor, round_prefer_ceil, floor or ceil')


def Resize(x, a):
    """Separable resize: per axis, the ONNX source coordinate of every output index, then gather (nearest)
    or gather two neighbours and blend (linear). Exact for every coordinate mode, and differentiable."""
    t = x[0]
    scales = x[2] if len(x) > 2 and x[2] is not None and x[2].numel() else None
    sizes = x[3] if len(x) > 3 and x[3] is not None and x[3].numel() else None
    mode = a.get("mode", "nearest")
    if mode not in ("nearest", "linear"):
        raise ValueError(f'Resize mode "{mode}" is outside the tandem op set (its graph reader refuses it too); use nearest or linear')
    coord_mode = a.get("coordinate_transformation_mode", "half_pixel")
    for ax in range(t.dim()):
        n = t.shape[ax]
        if sizes is not None:
            m = int(sizes[ax])
            scale = m / n
        else:
            scale = float(scales[ax])
            m = math.floor(n * scale)
        if m == n and scale == 1.0:
            continue
        c = _source_coords(m, n, scale, coord_mode)
        view = [1] * t.dim()
        view[ax] = m
        if mode == "nearest":
            idx = _nearest(c, a.get("nearest_mode", "round_prefer_floor")).clamp(0, n - 1).to(torch.int64)
            t = torch.index_select(t, ax, idx)
        else:
            c = c.clamp(0, n - 1)
            lo = torch.floor(c).to(torch.int64)
            hi = torch.clamp(lo + 1, max=n - 1)
            wgt = (c - lo.to(torch.float64)).to(t.dtype).reshape(view)
            t = torch.index_select(t, ax, lo) * (1 - wgt) + torch.index_select(t, ax, hi) * wgt
    return t


def _spatial(t):
    return tuple(range(2, t.dim()))


def GlobalAveragePool(x, a):
    return torch.mean(x[0], dim=_spatial(x[0]), keepdim=True)


def GlobalMaxPool(x, a):
    # amax (not adaptive_max_pool) shares the gradient among ties, as ONNX leaves open and tandem chooses.
    return torch.amax(x[0], dim=_spatial(x[0]), keepdim=True)


OPS = {"Conv": Conv, "ConvTranspose": ConvTranspose, "MaxPool": MaxPool, "AveragePool": AveragePool, "Resize": Resize,
       "GlobalAveragePool": GlobalAveragePool, "GlobalMaxPool": GlobalMaxPool}
