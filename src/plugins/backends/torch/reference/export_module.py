"""Exports the user's nn.Module to ONNX for the torch-module model plugin (specs/models.md "torch-module").

The module is built by user_module.load_user_module, run once on a real batch with a forward hook on every
submodule (the values the export-fidelity check compares: inputs, outputs and each submodule's output, by the
ONNX value that holds it), then exported in TRAINING mode (BatchNorm and Dropout stay as they train), opset 17,
without constant folding, with a dynamic batch axis. A training-mode export keeps every parameter and buffer as
an initializer of its state_dict name (no pre-transposed `onnx::MatMul_*` copies, which constant folding makes),
and de-duplicates initializers only when they are the same tensor: weights the module shares stay one initializer,
equal-valued ones stay apart. The module's own named_parameters() and named_buffers() then say what trains.
"""
import base64
import copy
import io
import inspect
import linecache
import os
import re

import onnx
import torch

from errors import RequestError
from user_module import UserModuleError, load_user_module, scope_path, user_frame
from wire import decode_tensors, encode_tensors

OPSET = 17


class ExportError(Exception):
    """torch.onnx.export refused the module; the message names the line of the user's file when one is known."""


def export_module(req):
    file_path, callable_name = req["file"], req["callable"]
    module = load_user_module(file_path, callable_name, req["seed"])
    inputs = decode_tensors(req["inputs"])
    arg_names = _forward_args(module, list(inputs), file_path)
    args = tuple(inputs[a] for a in arg_names)
    state = copy.deepcopy(module.state_dict())  # running the module (hooks, tracing) moves BatchNorm statistics
    outputs, submodules = _run_with_hooks(module, args, file_path, callable_name)
    module.load_state_dict(state)
    output_names = _output_names(outputs, req.get("outputs") or [], file_path, callable_name)
    out_list = list(outputs.values()) if isinstance(outputs, dict) else list(outputs) if isinstance(outputs, (tuple, list)) else [outputs]
    model = _export(module, args, arg_names, output_names, file_path)

    expected = {**{a: inputs[a] for a in arg_names}, **dict(zip(output_names, out_list))}
    labels = {}
    for value, (path, cls, out) in _submodule_values(model, submodules).items():
        if value not in expected:
            expected[value] = out
        labels[value] = f"{path} ({cls})"
    inits = {t.name for t in model.graph.initializer}
    params = [n for n, _ in module.named_parameters()]
    return {
        "onnx": base64.b64encode(model.SerializeToString()).decode("ascii"),
        "inputs": arg_names,
        "outputs": output_names,
        "expected": encode_tensors({k: v.detach().float() if v.is_floating_point() else v for k, v in expected.items()}),
        "labels": labels,
        "parameters": [p for p in params if p in inits],
        "unused_parameters": [p for p in params if p not in inits],
        "buffers": [n for n, _ in module.named_buffers() if n in inits],
    }


def _forward_args(module, given, file_path):
    """The forward's positional parameters, in order; each must be bound by model.params.inputs."""
    sig = inspect.signature(module.forward)
    names = [p.name for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p.name for p in sig.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and p.default is p.empty]
    unknown = [g for g in given if g not in names]
    if unknown:
        raise RequestError(f'model.params.inputs binds {", ".join(unknown)}, but {type(module).__name__}.forward in "{file_path}" takes ({", ".join(names)}); name its arguments')
    missing = [r for r in required if r not in given]
    if missing:
        raise RequestError(f'{type(module).__name__}.forward in "{file_path}" needs {", ".join(missing)}, which model.params.inputs does not bind to a data key')
    return [n for n in names if n in given]


def _run_with_hooks(module, args, file_path, callable_name):
    """The module's outputs on `args` (Dropout off, so both sides are deterministic) and, per submodule called
    once, its (path, class, output) in call order."""
    calls, hooks = {}, []
    for path, sub in module.named_modules():
        if not path:
            continue

        def hook(mod, _inp, out, path=path):
            calls.setdefault(path, []).append((type(mod).__name__, out))
        hooks.append(sub.register_forward_hook(hook))
    dropouts = [m for m in module.modules() if isinstance(m, torch.nn.modules.dropout._DropoutNd)]
    for m in dropouts:
        m.eval()
    try:
        with torch.no_grad():
            out = module(*args)
    except Exception as e:
        frame = user_frame(e, file_path)
        raise UserModuleError(f'running "{callable_name}()" from "{file_path}" on a batch raised {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}{f" at {frame}" if frame else ""}', frame) from e
    finally:
        for h in hooks:
            h.remove()
        for m in dropouts:
            m.train()
    subs = {p: (c[0][0], c[0][1]) for p, c in calls.items() if len(c) == 1 and torch.is_tensor(c[0][1])}
    return out, subs


def _output_names(outputs, wanted, file_path, callable_name):
    if isinstance(outputs, dict):
        names = list(outputs)
    elif isinstance(outputs, (tuple, list)):
        if len(wanted) != len(outputs):
            raise RequestError(f'"{callable_name}()" from "{file_path}" returns {len(outputs)} tensors; model.params.outputs must name each, in order (it names {len(wanted)})')
        names = list(wanted)
    elif torch.is_tensor(outputs):
        if len(wanted) != 1:
            raise RequestError(f'"{callable_name}()" from "{file_path}" returns one tensor; model.params.outputs must name it with one entry (it names {len(wanted)})')
        names = list(wanted)
    else:
        raise RequestError(f'"{callable_name}()" from "{file_path}" returns a {type(outputs).__name__}; return a tensor, a tuple of tensors or a dict of tensors')
    return names


def _export(module, args, arg_names, output_names, file_path):
    f = io.BytesIO()
    axes = {n: {0: "batch"} for n in [*arg_names, *output_names]}
    try:
        torch.onnx.export(module, args, f, input_names=arg_names, output_names=output_names, opset_version=OPSET,
                          training=torch.onnx.TrainingMode.TRAINING, do_constant_folding=False, dynamic_axes=axes)
    except Exception as e:
        line = user_frame(e, file_path) or _line_of_op(module, args, str(e), file_path)
        detail = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ExportError(f'torch.onnx.export could not export the module from "{file_path}": {detail}{f" (at {line})" if line else ""}') from e
    return onnx.load_from_string(f.getvalue())


def _line_of_op(module, args, message, file_path):
    """The user's line that calls the operator the exporter refused ('aten::fft_rfft'): traced source ranges say it."""
    op = re.search(r"'(aten::[A-Za-z0-9_]+)'", message)
    if not op:
        return ""
    try:
        graph = torch.jit.trace(module, args, check_trace=False).inlined_graph
    except Exception:
        return ""
    target = os.path.realpath(file_path)
    for node in graph.nodes():
        if node.kind() != op.group(1):
            continue
        for frame in node.sourceRange().splitlines():
            m = re.match(r"(.+)\((\d+)\): (\S+)", frame.strip())
            if m and os.path.realpath(m.group(1)) == target:
                source = linecache.getline(m.group(1), int(m.group(2))).strip()
                return f'File "{m.group(1)}", line {m.group(2)}, in {m.group(3)}: {source}'
    return ""


def _submodule_values(model, submodules):
    """The ONNX value holding each hooked submodule's output: the first output of the last node of its scope."""
    last = {}
    for node in model.graph.node:
        path = scope_path(node.name)
        while path:
            last[path] = node.output[0]
            path = path.rsplit(".", 1)[0] if "." in path else ""
    values = {}
    for p, (cls, out) in submodules.items():  # call order: a child before the parent that ends with it
        if p in last:
            values.setdefault(last[p], (p, cls, out))
    return values
