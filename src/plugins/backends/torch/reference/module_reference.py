"""The user's own nn.Module as the parity reference (`parity.reference: torch-module:<file>:<callable>`).

The module's own forward computes the model outputs; tandem's loss graph, cut at those outputs (the loss
"head", interpreted like every graph here), turns them into the loss; torch.autograd gives the gradients and
torch.optim (training.py) the updates. Parameters live in the module, paired with tandem's names by
module_weights.py; every request starts from the state it names (the initial one by default), so no stage
leaks into another. specs/torch-reference.md §9.
"""
import torch

from errors import RequestError
from module_dropout import pair_dropout_masks, refuse_random_dropout, set_masks
from module_weights import bind_weights
from training import Trainer
from user_module import load_user_module

DTYPES = {"float32": torch.float32, "float64": torch.float64}


class ModuleRun:
    def __init__(self, req, head):
        self.label = f'{req["file"]}:{req["callable"]}'
        self.module = load_user_module(req["file"], req["callable"], req["seed"]).to(DTYPES[req["dtype"]])
        self.head = head
        self.data_inputs = req["forward_inputs"]
        # tandem's Dropout masks go to the module's nn.Dropout submodules, never to forward() (module_dropout.py).
        self.dropout_masks = pair_dropout_masks(self.module, req.get("dropout_masks") or [], self.label)
        self.model_outputs = req["model_outputs"]
        self.output_values = dict(zip(req["model_outputs"], req["output_values"]))
        self.outputs = head.outputs
        params, buffers, constants = req["params"], req["buffers"], req["constants"]
        self.bindings = bind_weights(self.module, params, buffers, req.get("weights_map"), req.get("map_label") or "parity.weights.map", constants)
        self.by_tandem = {b.tandem: b for b in self.bindings}
        tensors = {**dict(self.module.named_parameters()), **dict(self.module.named_buffers())}
        self.tensor_of = {b.tandem: tensors[b.module] for b in self.bindings}
        # Only the graph's parameters are trained; what the graph keeps constant (a freeze) stays out of the optimizer.
        self.trainable = {b.tandem for b in self.bindings if b.tandem in params}
        for b in self.bindings:
            if b.tandem in constants:
                self.tensor_of[b.tandem].requires_grad_(False)
        self.initial = {**constants, **params, **buffers}
        self.load(self.initial)

    # -- state -------------------------------------------------------------------------------------------
    def load(self, state):
        """Copies tandem-named tensors into the module (parameters and buffers; optimizer slots are ignored)."""
        with torch.no_grad():
            for name, t in state.items():
                b = self.by_tandem.get(name)
                if b is not None:
                    target = self.tensor_of[name]
                    target.copy_(b.to_module(t).to(target.dtype))
                    if target.grad is not None:
                        target.grad = None

    def read(self):
        """Every paired tensor by tandem name, in tandem's layout."""
        return {n: b.to_tandem(self.tensor_of[n].detach().clone()) for n, b in self.by_tandem.items()}

    # -- evaluation --------------------------------------------------------------------------------------
    def mode(self, training):
        """train() or eval(), as tandem's graphs: forward and evaluation in inference mode (running statistics),
        the loss, gradients and steps in training mode (batch statistics; the running ones move)."""
        self.module.train(training)
        return self

    def forward(self, feeds):
        missing = [n for n in self.data_inputs if n not in feeds]
        if missing:
            raise RequestError(f'{self.label}: no data fed for {", ".join(missing)}')
        set_masks(self.module, feeds)
        with refuse_random_dropout(self.label):
            out = self.module(*[feeds[n] for n in self.data_inputs])
        return self._named_outputs(out)

    def _named_outputs(self, out):
        names = self.model_outputs
        if isinstance(out, dict):
            lacking = [n for n in names if n not in out]
            if lacking:
                raise RequestError(f'{self.label}: forward returned a dict without {", ".join(lacking)} (it has {", ".join(map(str, out))}); return the model outputs {", ".join(names)}')
            return {n: out[n] for n in names}
        if torch.is_tensor(out):
            out = (out,)
        if not isinstance(out, (tuple, list)) or len(out) != len(names) or not all(torch.is_tensor(o) for o in out):
            raise RequestError(
                f'{self.label}: forward returned {type(out).__name__} of {len(out) if isinstance(out, (tuple, list)) else 1}, '
                f'but the graph has {len(names)} output(s) {", ".join(names)}; return a tensor, a tuple in that order, or a dict by name'
            )
        return dict(zip(names, out))

    def evaluate(self, feeds, _params=None):
        """Every value of the loss head, with the model outputs computed by the module. Input derivatives
        (PINN terms) are torch.autograd's, through the module: their `wrt` inputs require grad before it runs."""
        env = dict(feeds)
        for w in self.head.wrt_inputs:
            env[w] = env[w].detach().requires_grad_(True)
        env.update({self.output_values[n]: v for n, v in self.forward(env).items()})
        return self.head.evaluate(env)

    def gradients(self, feeds, loss_name):
        env = self.mode(True).evaluate(feeds)
        names = [n for n in self.by_tandem if n in self.trainable]
        grads = torch.autograd.grad(env[loss_name], [self.tensor_of[n] for n in names], allow_unused=True)
        return env, {n: self.by_tandem[n].to_tandem(g if g is not None else torch.zeros_like(self.tensor_of[n])) for n, g in zip(names, grads)}

    # -- training ----------------------------------------------------------------------------------------
    def trainer(self, loss_name, optimizer, schedule, clip):
        """A torch.optim trainer over the module's own parameters (keyed by module name)."""
        leaves = {self.by_tandem[n].module: self.tensor_of[n] for n in self.by_tandem if n in self.trainable}
        self.mode(True)
        return Trainer(self, leaves, loss_name, optimizer, schedule, clip)

    def trained_state(self, trainer):
        """Parameters and buffers (as the module's forward moved them), optimizer slots (`<param>/<slot>`), by
        tandem name, in tandem's layout."""
        s = trainer.state()
        by_module = {b.module: b for b in self.bindings}
        slots = {}
        for key, v in s["slots"].items():
            m_name, _, slot = key.rpartition("/")
            b = by_module[m_name]
            slots[f"{b.tandem}/{slot}"] = b.to_tandem(v)
        return {"params": self.read(), "slots": slots}

    # -- localization ------------------------------------------------------------------------------------
    def capture(self, feeds, loss_name=None):
        """Each submodule's inputs and output as the module computed them (forward hooks, in the order the
        submodules finish), and with `loss_name` the gradient of the loss w.r.t. each output (backward hooks)."""
        records, handles = {}, []
        order = []

        def on_forward(path):
            def hook(mod, args, out):
                first = out[0] if isinstance(out, (tuple, list)) and out and torch.is_tensor(out[0]) else out
                records[path] = {"path": path, "class": type(mod).__name__, "inputs": [a.detach().clone() for a in args if torch.is_tensor(a)],
                                 "output": first.detach().clone() if torch.is_tensor(first) else None}
                order.append(path)
            return hook

        def on_backward(path):
            def hook(mod, grad_input, grad_output):
                g = grad_output[0] if grad_output else None
                if g is not None and path in records:
                    records[path]["grad_output"] = g.detach().clone()
            return hook

        for path, sub in self.module.named_modules():
            if not path:
                continue
            handles.append(sub.register_forward_hook(on_forward(path)))
            if loss_name:
                handles.append(sub.register_full_backward_hook(on_backward(path)))
        try:
            if loss_name:
                env = self.mode(True).evaluate(feeds)
                env[loss_name].backward()
            else:
                with torch.no_grad():
                    self.mode(False).forward(feeds)
        finally:
            for h in handles:
                h.remove()
        return [records[p] for p in order]
