"""One method per request kind. Each takes the decoded request and returns the response fields."""
import base64
import itertools

import torch

from composite import Composite
from errors import RequestError
from interpreter import Program
from training import Trainer
from wire import decode_tensor, decode_tensors, encode_tensors


class Handlers:
    def __init__(self):
        self.models = {}
        self.trainers = {}
        self.ids = itertools.count(1)

    def dispatch(self, kind, req):
        fn = getattr(self, f"on_{kind}", None)
        if fn is None:
            raise RequestError(f'unknown request kind "{kind}"; the TypeScript client and reference/main.py disagree on the protocol')
        return fn(req)

    def _model(self, req):
        h = req.get("model")
        if h not in self.models:
            raise RequestError(f'no loaded model "{h}" (it was released, or never loaded in this process)')
        return self.models[h]

    def on_load(self, req):
        label = req.get("label", "")
        terms = [{**d, "seed": decode_tensor(d["seed"])} if d.get("seed") else d for d in req.get("derivatives") or []]
        model = Composite(Program(base64.b64decode(req["graph"]), label), terms)
        h = f"m{next(self.ids)}"
        self.models[h] = model
        return {"model": h, "inputs": model.inputs, "outputs": model.outputs}

    def on_release(self, req):
        self.models.pop(req["model"], None)
        self.trainers.pop(req["model"], None)
        return {}

    def _fetch(self, env, names, where):
        missing = [n for n in names if n not in env]
        if missing:
            raise RequestError(f'{where}: no value named {", ".join(missing)} was computed')
        return encode_tensors({n: env[n] for n in names})

    def _feeds(self, req):
        """The request's feeds, plus the current parameters and buffers of the trainer of model `with_state`, when given."""
        feeds = decode_tensors(req["feeds"])
        if req.get("with_state"):
            trainer = self._trainer({"model": req["with_state"]})
            feeds.update(trainer.buffers)
            feeds.update({k: v.detach() for k, v in trainer.params.items()})
        return feeds

    def on_run(self, req):
        model = self._model(req)
        feeds = self._feeds(req)
        with torch.no_grad():
            env = model.evaluate(feeds)
        return {"outputs": self._fetch(env, req.get("fetch") or model.outputs, "run")}

    def on_gradients(self, req):
        """Gradients of sum(`of`) w.r.t. inputs `wrt`, by torch.autograd, plus the requested values."""
        model = self._model(req)
        feeds = self._feeds(req)
        for w in req["wrt"]:
            if w not in feeds:
                raise RequestError(f'gradients: "{w}" is not fed; gradients are taken w.r.t. fed inputs (parameters or data)')
            feeds[w] = feeds[w].detach().requires_grad_(True)
        env = model.evaluate(feeds)
        of = env.get(req["of"])
        if of is None:
            raise RequestError(f'gradients: no value named "{req["of"]}" was computed')
        grads = torch.autograd.grad(of.sum(), [feeds[w] for w in req["wrt"]], allow_unused=True)
        grads = {w: (g if g is not None else torch.zeros_like(feeds[w])) for w, g in zip(req["wrt"], grads)}
        return {"outputs": self._fetch(env, req.get("fetch") or [], "gradients"), "gradients": encode_tensors(grads)}

    def on_train_init(self, req):
        model = self._model(req)
        params = decode_tensors(req["params"])
        self.trainers[req["model"]] = Trainer(model, params, req["loss"], req["optimizer"], req.get("schedule"), req.get("clip"),
                                              decode_tensors(req.get("buffers")), req.get("buffer_updates"))
        return self._state(req["model"])

    def _trainer(self, req):
        t = self.trainers.get(req.get("model"))
        if t is None:
            raise RequestError(f'model "{req.get("model")}" has no trainer; send train_init first')
        return t

    def on_train_steps(self, req):
        t = self._trainer(req)
        records = [t.step(decode_tensors(s["feeds"]), s.get("advance_schedule", True), s.get("lr"), s.get("step_index")) for s in req["steps"]]
        return {"records": records, **(self._state(req["model"]) if req.get("return_state") else {})}

    def _state(self, h):
        s = self.trainers[h].state()
        return {"params": encode_tensors(s["params"]), "slots": encode_tensors(s["slots"]), "buffers": encode_tensors(s["buffers"]), "step": s["step"], "lr": s["lr"]}

    def on_get_state(self, req):
        self._trainer(req)
        return self._state(req["model"])

    def on_set_state(self, req):
        t = self._trainer(req)
        t.set_state(decode_tensors(req.get("params")), decode_tensors(req.get("slots")), req.get("step"), decode_tensors(req.get("buffers")))
        return self._state(req["model"])

    def on_shutdown(self, req):
        return {}
