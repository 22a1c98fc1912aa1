"""Request handlers of the torch-module reference (module_reference.py): one method per request kind, mixed
into handlers.Handlers. Fields: specs/torch-reference.md "Protocol"."""
import base64
import contextlib

import torch

from composite import Composite
from errors import RequestError
from interpreter import Program
from module_reference import ModuleRun
from user_module import UserModuleError
from wire import decode_tensor, decode_tensors, encode_tensor, encode_tensors


class ModuleHandlers:
    def on_module_open(self, req):
        terms = [{**d, "seed": decode_tensor(d["seed"])} if d.get("seed") else d for d in req.get("derivatives") or []]
        head = Composite(Program(base64.b64decode(req["head"]), req.get("label", "")), terms, external=req["forward_inputs"])
        try:
            tensors = {k: decode_tensors(req.get(k)) for k in ("params", "buffers", "constants")}
            run = ModuleRun({**req, **tensors}, head)
        except UserModuleError as e:
            raise RequestError(str(e)) from e
        h = f"u{next(self.ids)}"
        self.modules[h] = run
        return {"module": h, "bindings": [b.describe() for b in run.bindings]}

    def _module(self, req):
        run = self.modules.get(req.get("module"))
        if run is None:
            raise RequestError(f'no open module "{req.get("module")}" (it was released, or never opened in this process)')
        run.load({**run.initial, **decode_tensors(req.get("state"))})
        return run

    def on_module_state(self, req):
        return {"params": encode_tensors(self._module(req).read())}

    def on_module_forward(self, req):
        run = self._module(req)
        with torch.no_grad():
            return {"outputs": encode_tensors(run.mode(False).forward(decode_tensors(req["feeds"])))}

    def on_module_evaluate(self, req):
        run = self._module(req)
        # Input derivatives need autograd even for a value-only request.
        with contextlib.nullcontext() if run.head.terms else torch.no_grad():
            env = run.mode(False).evaluate(decode_tensors(req["feeds"]))
        return {"outputs": encode_tensors({n: env[n] for n in req["fetch"]})}

    def on_module_gradients(self, req):
        run = self._module(req)
        env, grads = run.gradients(decode_tensors(req["feeds"]), req["of"])
        return {"outputs": encode_tensors({n: env[n] for n in req["fetch"]}), "gradients": encode_tensors(grads)}

    def on_module_train(self, req):
        run = self._module(req)
        trainer = run.trainer(req["loss"], req["optimizer"], req.get("schedule"), req.get("clip"))
        records = [trainer.step(decode_tensors(s["feeds"]), s.get("advance_schedule", True), s.get("lr"), s.get("step_index")) for s in req["steps"]]
        state = run.trained_state(trainer)
        return {"records": records, "params": encode_tensors(state["params"]), "slots": encode_tensors(state["slots"])}

    def on_module_capture(self, req):
        run = self._module(req)
        wire = lambda t: encode_tensor(t) if t is not None else None  # noqa: E731
        return {"submodules": [
            {"path": r["path"], "class": r["class"], "inputs": [encode_tensor(t) for t in r["inputs"]], "output": wire(r["output"]),
             **({"grad_output": encode_tensor(r["grad_output"])} if "grad_output" in r else {})}
            for r in run.capture(decode_tensors(req["feeds"]), req.get("of"))
        ]}
