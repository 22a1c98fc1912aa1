"""Pairs tandem's tensors (the graph's parameters, by tandem name) with the user's module tensors, so that both
sides start from the same numbers. specs/torch-reference.md "The torch-module reference" describes the rules:

1. by name: the tandem name, after the map's `rename` rules, is a module parameter or buffer name (an export of
   the same module keeps its state_dict names);
2. by exact value: what is left is paired by shape and bytes, as is or transposed (torch's exporter renames a
   Linear weight it transposes to `onnx::MatMul_*`); a tensor equal to none or to several is an error;
3. the map's per-tensor `transpose` / `permute` say how a graph tensor's axes become the module's (NHWC kernels,
   [in, out] dense weights of a graph from another framework).

A Binding turns a tandem tensor into the module's layout (`to_module`) and back (`to_tandem`), for parameters,
their gradients and their optimizer slots alike (every optimizer tandem has is elementwise).
"""
import re

import torch

from errors import RequestError


class Binding:
    def __init__(self, tandem, module, perm, how):
        self.tandem = tandem
        self.module = module
        self.perm = perm  # None: same layout; else module = tandem.permute(perm)
        self.how = how  # "name", "value", "map": how the pair was found (reported back)

    def to_module(self, t):
        return t if self.perm is None else t.permute(*self.perm).contiguous()

    def to_tandem(self, t):
        if self.perm is None:
            return t
        inverse = [0] * len(self.perm)
        for i, p in enumerate(self.perm):
            inverse[p] = i
        return t.permute(*inverse).contiguous()

    def describe(self):
        return {"tandem": self.tandem, "module": self.module, "how": self.how, **({"permute": list(self.perm)} if self.perm is not None else {})}


def _map_perm(spec, name, rank):
    if spec.get("transpose"):
        return list(reversed(range(rank)))
    perm = spec.get("permute")
    if perm is None:
        return None
    if sorted(perm) != list(range(rank)):
        raise RequestError(f'parity.weights map: "{name}" permute {perm} is not a permutation of the {rank} axes of the tensor')
    return list(perm)


def _rename(name, rules):
    for pattern, replacement in rules:
        name = re.sub(pattern, replacement, name)
    return name


def _same(a, b):
    return a.shape == b.shape and torch.equal(a.to(b.dtype), b)


def bind_weights(module, tandem_params, tandem_buffers, weights_map, map_label, tandem_constants=None):
    """The bindings of every module parameter, and of every module buffer tandem also holds. Raises one
    RequestError naming every tensor that matched nothing (both sides) or matched several. `tandem_constants`
    (the graph's float initializers: what a freeze kept constant) pair by name only, with module parameters
    that then stay frozen on the module side too."""
    tandem_constants = tandem_constants or {}
    rules = [(r["pattern"], r["replacement"]) for r in (weights_map or {}).get("rename", [])]
    per_tensor = (weights_map or {}).get("tensors", {})
    tandem_all = {**tandem_params, **tandem_buffers}
    unknown = [n for n in per_tensor if n not in tandem_all and n not in tandem_constants]
    if unknown:
        raise RequestError(
            f'{map_label} names {", ".join(repr(n) for n in unknown)}, which the graph does not have; '
            f'its tensors are {", ".join(sorted(tandem_all))}'
        )
    params = dict(module.named_parameters())
    buffers = {k: v for k, v in module.named_buffers() if v.is_floating_point()}
    bindings, taken = [], set()

    def bind(t_name, m_name, how):
        t, m = {**tandem_constants, **tandem_all}[t_name], {**params, **buffers}[m_name]
        perm = _map_perm(per_tensor.get(t_name, {}), t_name, t.dim())
        b = Binding(t_name, m_name, perm, "map" if t_name in per_tensor or how == "map" else how)
        if tuple(b.to_module(t).shape) != tuple(m.shape):
            raise RequestError(
                f'graph tensor "{t_name}" {list(t.shape)} pairs with module tensor "{m_name}" {list(m.shape)} by {b.how}, '
                f'but the shapes differ{" after " + str(perm) if perm is not None else ""}; '
                f'give its axes in {map_label} (tensors: {{"{t_name}": {{transpose: true}}}} or permute)'
            )
        bindings.append(b)
        taken.add(m_name)

    for t_name in tandem_all:
        m_name = _rename(t_name, rules)
        if m_name in params or m_name in buffers:
            bind(t_name, m_name, "map" if m_name != t_name else "name")
    for t_name in tandem_constants:
        m_name = _rename(t_name, rules)
        if m_name in params and m_name not in taken:
            bind(t_name, m_name, "map" if m_name != t_name else "name")
    left = [n for n in tandem_params if n not in {b.tandem for b in bindings}]
    ambiguous = []
    for t_name in left:
        t = tandem_all[t_name]
        cands = []
        for m_name, m in params.items():
            if m_name in taken:
                continue
            if _same(t, m.detach()):
                cands.append((m_name, None))
            elif t.dim() == 2 and _same(t.t(), m.detach()):
                cands.append((m_name, [1, 0]))
        if len(cands) == 1:
            m_name, perm = cands[0]
            bindings.append(Binding(t_name, m_name, perm, "value"))
            taken.add(m_name)
        elif len(cands) > 1:
            ambiguous.append(f'"{t_name}" equals {", ".join(c[0] + (" (transposed)" if c[1] else "") for c in cands)}')
    bound = {b.tandem for b in bindings}
    graph_left = [n for n in tandem_params if n not in bound]
    graph_buffers_left = [n for n in tandem_buffers if n not in bound]
    module_left = [n for n in params if n not in taken]
    if graph_left or module_left or ambiguous or graph_buffers_left:
        parts = []
        if ambiguous:
            parts.append(f'matched several module tensors by value: {"; ".join(ambiguous)}')
        if graph_left or graph_buffers_left:
            parts.append(f'graph tensors with no module tensor: {", ".join(graph_left + graph_buffers_left)}')
        if module_left:
            parts.append(f'module parameters with no graph tensor: {", ".join(module_left)}')
        raise RequestError(
            f'the module\'s parameters cannot all be paired with the graph\'s ({"; ".join(parts)}). Pairing is by state_dict name, '
            f'then by exact value (as is or transposed); pair the rest with parity.weights.map (rename rules and per-tensor transpose/permute)'
        )
    return bindings
