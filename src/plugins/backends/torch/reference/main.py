"""tandem's PyTorch reference: one process per run, speaking JSON lines on stdin/stdout.

Started by src/plugins/backends/torch/torch-process.ts with Debian's /usr/bin/python3. The first line it
writes is a `hello` (versions, or why torch/onnx could not be imported); then one response per request,
in order. Python's own stdout is redirected to stderr so that a stray print cannot corrupt the protocol.
Message kinds and fields: specs/torch-reference.md "Protocol".
"""
import json
import os
import platform
import sys

PROTOCOL_VERSION = 1
_wire = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
sys.stdout = sys.stderr


def send(msg):
    _wire.write(json.dumps(msg, separators=(",", ":")) + "\n")
    _wire.flush()


def hello():
    try:  # torch first: it is the package most often missing, and the one the message should name
        import torch
        import onnx
        import numpy
    except Exception as e:  # ImportError, or a broken install raising OSError while loading libtorch
        from wire_fallback import describe_import_error
        send({"kind": "hello", "ok": False, "error": describe_import_error(e)})
        sys.exit(3)
    torch.set_num_threads(int(os.environ.get("TANDEM_TORCH_THREADS", "1")))
    send({"kind": "hello", "ok": True, "protocol": PROTOCOL_VERSION, "versions": {
        "python": platform.python_version(), "torch": torch.__version__, "onnx": onnx.__version__, "numpy": numpy.__version__}})


def serve():
    from handlers import Handlers
    from wire import describe_error
    handlers = Handlers()
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        rid, kind = req.get("id"), req.get("kind")
        try:
            result = handlers.dispatch(kind, req)
            send({"id": rid, "kind": kind, "ok": True, **result})
        except Exception as e:  # every failure goes back to TypeScript as a typed error, the process lives on
            send({"id": rid, "kind": kind, "ok": False, "error": describe_error(e)})
        if kind == "shutdown":
            break


if __name__ == "__main__":
    hello()
    serve()
