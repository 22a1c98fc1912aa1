"""Loads the user's own nn.Module from a python file: `models/net.py:build` names a file and a factory in it.

Shared by the torch-module parity reference (torch_module_ref.py) and the torch-module model plugin (which
exports the module to ONNX). Every failure is a UserModuleError whose message is one line a person can act on,
and, when the user's code raised, names the last traceback frame inside the user's file (not ours, not torch's).
"""
import importlib.util
import os
import sys
import traceback

import torch


class UserModuleError(Exception):
    """The user's module could not be loaded: a missing file or callable, a factory that raised or returned
    something other than an nn.Module. `user_frame` is `File "...", line N, in fn: source` in the user's file."""

    def __init__(self, message, user_frame=""):
        super().__init__(message)
        self.user_frame = user_frame


def user_frame(exc, file_path):
    """The last traceback frame of `exc` that lies in `file_path`, formatted as wire.describe_error does."""
    target = os.path.realpath(file_path)
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.realpath(f.filename) == target]
    if not frames:
        return ""
    f = frames[-1]
    return f'File "{f.filename}", line {f.lineno}, in {f.name}: {f.line}'


def _raised(what, exc, file_path):
    frame = user_frame(exc, file_path)
    where = f" at {frame}" if frame else ""
    detail = str(exc).splitlines()[0] if str(exc) else ""
    return UserModuleError(f"{what} raised {type(exc).__name__}: {detail}{where}", frame)


def import_user_file(file_path):
    """Imports a python file by path under a private module name, with its folder on sys.path (so it can import
    its neighbours, as `python net.py` would)."""
    if not os.path.isfile(file_path):
        raise UserModuleError(f'the module file "{file_path}" does not exist; the path is relative to the config file')
    folder = os.path.dirname(os.path.abspath(file_path))
    if folder not in sys.path:
        sys.path.insert(0, folder)
    name = "tandem_user_" + os.path.splitext(os.path.basename(file_path))[0].replace("-", "_").replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, file_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as e:  # a SyntaxError, an ImportError of its own, anything the file runs at import
        sys.modules.pop(name, None)
        if isinstance(e, SyntaxError) and e.filename:
            frame = f'File "{e.filename}", line {e.lineno}: {(e.text or "").strip()}'
            raise UserModuleError(f'importing "{file_path}" raised SyntaxError: {e.msg} at {frame}', frame) from e
        raise _raised(f'importing "{file_path}"', e, file_path) from e
    return module


def load_user_module(file_path, callable_name, seed):
    """The nn.Module that `callable_name()` in `file_path` returns, built with torch seeded by `seed` (so the
    factory's own initialization is reproducible), in float32 and training mode as torch builds it."""
    module = import_user_file(file_path)
    factory = getattr(module, callable_name, None)
    if factory is None:
        found = sorted(n for n, v in vars(module).items() if callable(v) and not n.startswith("_") and getattr(v, "__module__", None) == module.__name__)
        raise UserModuleError(f'"{file_path}" has no callable "{callable_name}"; it defines {", ".join(found) or "no callables"}')
    if not callable(factory):
        raise UserModuleError(f'"{callable_name}" in "{file_path}" is a {type(factory).__name__}, not a callable that returns an nn.Module')
    torch.manual_seed(int(seed))
    try:
        built = factory()
    except Exception as e:
        raise _raised(f'"{callable_name}()" in "{file_path}"', e, file_path) from e
    if not isinstance(built, torch.nn.Module):
        raise UserModuleError(f'"{callable_name}()" in "{file_path}" returned a value of type {type(built).__name__}, not a torch.nn.Module; return the module itself (e.g. `return Net()`)')
    return built


def scope_path(node_name):
    """torch names a node /layer1/layer1.0/conv1/Conv for submodule layer1.0.conv1: the scope's last parts."""
    parts = [p for p in node_name.split("/")[:-1] if p]
    return ".".join(p.rsplit(".", 1)[-1] for p in parts)
