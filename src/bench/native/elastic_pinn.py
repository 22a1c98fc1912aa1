"""conf/elastic_pinn.yaml natively: the 2-D elastic-wave PINN as a PINN author writes it: an nn.Linear MLP, the
interior, boundary and initial point sets evaluated separately, second derivatives by torch.autograd.grad with
create_graph=True, and the loss Σ weight·term of tandem's elastic_residual, masked mse and elastic_initial terms
(src/physics/elastic/loss-terms.ts). A weight-0 term (the test metric) is left out: it adds nothing to the loss."""
import torch
from torch import nn

from field_models import ACT


class Mlp(nn.Module):
    def __init__(self, widths, act):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:])])
        self.act = ACT[act]

    def forward(self, x):
        for layer in self.layers[:-1]:
            x = self.act(layer(x))
        return self.layers[-1](x)


def build(spec, terms):
    m = spec["model"]
    if m.get("outputs"):
        raise SystemExit("native elastic_pinn: model.params.outputs (one name per channel) is not implemented here; use output")
    net = Mlp([m["in_features"], *m["hidden"], m["out_features"]], m["activation"])
    net.terms = {name: t for name, t in spec["loss"].items() if t["weight"] != 0}
    for name, t in net.terms.items():
        if t["kind"] not in ("elastic_residual", "elastic_initial", "mse"):
            raise SystemExit(f"native elastic_pinn: train.loss.{name} is a {t['kind']} term, which this module does not implement")
        if any(isinstance(t.get(k), dict) for k in ("lambda", "mu", "rho")):
            raise SystemExit(f"native elastic_pinn: train.loss.{name} has a trainable material constant, which this module does not implement")
    return net


def to_torch_state(params):
    # tandem's MLP stores each weight [in, out] for a plain MatMul; nn.Linear holds [out, in].
    return {k: v.T if k.endswith(".weight") else v for k, v in params.items()}


def prepare(batch, spec):
    """Each term's point set (the rows its mask selects), and the material constants given as numbers or data."""
    terms = {}
    for name, t in spec["loss"].items():
        if t["weight"] == 0:
            continue
        rows = batch[t["mask"]][:, 0] > 0.5 if t.get("mask") else slice(None)
        pick = lambda key: batch[key][rows].contiguous()
        points = {"coords": pick(spec["model"]["input"])}
        if t["kind"] == "elastic_initial":
            points.update(target=pick(t["target"]), velocity=pick(t["velocity"]))
        elif t["kind"] == "mse":
            points.update(target=pick(t["target"]))
        elif t["kind"] == "elastic_residual":
            points.update({k: float(t[k]) if isinstance(t.get(k), (int, float)) else float(batch[k].reshape(-1)[0]) for k in ("lambda", "mu", "rho")})
        terms[name] = points
    return terms


def grad(y, x):
    (g,) = torch.autograd.grad(y.sum(), x, create_graph=True)
    return g


def elastic_residual(net, p):
    xyt = p["coords"].requires_grad_(True)
    u = net(xyt)
    dux, duy = grad(u[:, 0], xyt), grad(u[:, 1], xyt)  # columns ∂/∂x, ∂/∂y, ∂/∂t
    ux_x, ux_y, ux_tt = grad(dux[:, 0], xyt), grad(dux[:, 1], xyt)[:, 1], grad(dux[:, 2], xyt)[:, 2]
    uy_x, uy_yy, uy_tt = grad(duy[:, 0], xyt), grad(duy[:, 1], xyt)[:, 1], grad(duy[:, 2], xyt)[:, 2]
    lam, mu, rho = p["lambda"], p["mu"], p["rho"]
    rx = rho * ux_tt - ((lam + 2 * mu) * ux_x[:, 0] + mu * ux_y + (lam + mu) * uy_x[:, 1])
    ry = rho * uy_tt - ((lam + 2 * mu) * uy_yy + mu * uy_x[:, 0] + (lam + mu) * ux_x[:, 1])
    return 0.5 * (torch.mean(rx**2) + torch.mean(ry**2))


def elastic_initial(net, p):
    xyt = p["coords"].requires_grad_(True)
    u = net(xyt)
    ut = torch.stack([grad(u[:, 0], xyt)[:, 2], grad(u[:, 1], xyt)[:, 2]], dim=1)
    return 0.5 * (torch.mean((u - p["target"]) ** 2) + torch.mean((ut - p["velocity"]) ** 2))


def mse(net, p):
    return torch.mean((net(p["coords"]) - p["target"]) ** 2)


KINDS = {"elastic_residual": elastic_residual, "elastic_initial": elastic_initial, "mse": mse}


def loss(net, terms):
    return sum(t["weight"] * KINDS[t["kind"]](net, terms[name]) for name, t in net.terms.items())
