"""Tensors and errors on the wire: JSON lines, arrays as base64 of their raw little-endian bytes.

A tensor is {"dtype": "float32", "shape": [2, 3], "data": "<base64>"}; dtype names are tandem's
(float32 float64 int32 int64 bool uint8). See specs/torch-reference.md "Protocol".
"""
import base64
import traceback

import numpy as np
import torch

NUMPY_OF = {
    "float32": np.float32, "float64": np.float64, "int32": np.int32,
    "int64": np.int64, "bool": np.bool_, "uint8": np.uint8,
}
DTYPE_OF_TORCH = {
    torch.float32: "float32", torch.float64: "float64", torch.int32: "int32",
    torch.int64: "int64", torch.bool: "bool", torch.uint8: "uint8",
}


def decode_tensor(w):
    dtype = w["dtype"]
    if dtype not in NUMPY_OF:
        raise ValueError(f'unknown dtype "{dtype}"; expected one of {", ".join(NUMPY_OF)}')
    raw = base64.b64decode(w["data"])
    arr = np.frombuffer(raw, dtype=np.dtype(NUMPY_OF[dtype]).newbyteorder("<")).reshape(w["shape"]).copy()
    return torch.from_numpy(arr.astype(NUMPY_OF[dtype], copy=False))


def encode_tensor(t, where="output"):
    t = t.detach()
    if t.dtype not in DTYPE_OF_TORCH:
        raise TypeError(f"{where} has torch dtype {t.dtype}, which tandem does not carry")
    arr = np.ascontiguousarray(t.cpu().numpy()).astype(np.dtype(NUMPY_OF[DTYPE_OF_TORCH[t.dtype]]).newbyteorder("<"), copy=False)
    return {"dtype": DTYPE_OF_TORCH[t.dtype], "shape": list(t.shape), "data": base64.b64encode(arr.tobytes()).decode("ascii")}


def decode_tensors(d):
    return {k: decode_tensor(v) for k, v in (d or {}).items()}


def encode_tensors(d):
    return {k: encode_tensor(v, f'"{k}"') for k, v in d.items()}


def innermost(exc):
    """The exception that started a chain (`raise X from e`): its traceback holds the frame that failed."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def describe_error(exc):
    """One error as sent to TypeScript: the message, the last traceback frame, and the full traceback."""
    root = innermost(exc)
    frames = traceback.extract_tb(root.__traceback__)
    last = frames[-1] if frames else None
    frame = f'File "{last.filename}", line {last.lineno}, in {last.name}: {last.line}' if last else ""
    return {
        "type": type(exc).__name__,
        "message": str(exc),
        "last_frame": frame,
        "traceback": "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
    }
