"""What torch evaluates for one loaded model: a graph whose derivative values are "holes", filled by
torch.autograd when a node first needs them.

A derivative term is {"name": "d0:u/x", "of": "u", "wrt": "x", "seed": <tensor, optional>}: the gradient of
sum(of · seed) w.r.t. value `wrt` (seed defaults to ones), taken with create_graph=True so it can itself be
`of` of a later term (u_xx) and be differentiated again by the training step. Summing first is the usual
PINN convention: samples do not interact, so row i of d(sum u)/dx is du_i/dx_i; a one-hot seed picks a
column of a vector output. This is the same definition as tandem's LossScope.derivative, computed by a
different engine. See specs/torch-reference.md "Derivative terms".
"""
import contextlib

import torch

from errors import RequestError


class Composite:
    def __init__(self, program, derivatives, external=()):
        """`external`: values the caller feeds that the graph itself does not read (the data inputs of the
        user's module, which a derivative term of the torch-module reference differentiates with respect to)."""
        self.program = program
        self.terms = {d["name"]: d for d in (derivatives or [])}
        known = set(program.inputs) | set(program.constants) | {v for n in program.nodes for v in n[3]} | set(self.terms) | set(external)
        for d in self.terms.values():
            for key in ("of", "wrt"):
                if d[key] not in known:
                    raise RequestError(f'derivative term "{d["name"]}": "{d[key]}" ({key}) is not a value of graph "{program.label}"')
        self.wrt_inputs = sorted({d["wrt"] for d in self.terms.values() if d["wrt"] in program.inputs or d["wrt"] in external})
        self.inputs = [i for i in program.inputs if i not in self.terms]
        self.outputs = program.outputs

    def evaluate(self, feeds):
        """Every named value of the graph, derivative terms included."""
        env = dict(feeds)
        missing = [i for i in self.inputs if i not in env]
        if missing:
            raise RequestError(f'graph "{self.program.label}": no value fed for input(s) {", ".join(missing)}')
        for w in self.wrt_inputs:
            if not env[w].requires_grad:  # inputs we differentiate w.r.t. must be leaves that require grad
                env[w] = env[w].detach().requires_grad_(True)
        # Derivative terms need autograd even when the caller runs under no_grad (a forward-only request).
        with torch.enable_grad() if self.terms else contextlib.nullcontext():
            env = self.program.run(env, self._derive)
            for name in self.terms:  # terms no node consumes (fetched directly) are computed last
                if name not in env:
                    env[name] = self._derive(name, env)
        return env

    def _derive(self, name, env):
        d = self.terms.get(name)
        if d is None:
            return None
        for dep in (d["of"], d["wrt"]):  # an earlier term no node consumed (u_x when only u_xx is used)
            if dep not in env:
                env[dep] = self._derive(dep, env)
        of, wrt = env[d["of"]], env[d["wrt"]]
        seed = d.get("seed")
        total = (of * seed.to(of.dtype)).sum() if seed is not None else of.sum()
        if not total.requires_grad:  # `of` does not depend on anything differentiable: the derivative is zero
            return torch.zeros_like(wrt)
        (g,) = torch.autograd.grad(total, wrt, create_graph=True, allow_unused=True)
        return g if g is not None else torch.zeros_like(wrt)
