"""tandem's activation names (src/plugins/models/layers/activation.ts) as torch modules."""
import torch
from torch import nn


class Sin(nn.Module):
    def forward(self, x):
        return torch.sin(x)


ACTIVATIONS = {
    "tanh": nn.Tanh,
    "sin": Sin,
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "gelu": nn.GELU,  # exact (erf) form, as tandem's gelu
    "softplus": nn.Softplus,
    "silu": nn.SiLU,
}


def activation(name):
    if name not in ACTIVATIONS:
        raise SystemExit(f"native bench: activation {name!r} has no torch module here; known: {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]()


def load_tandem_state(net, params):
    """Loads tandem's parameters, named as this module's state_dict keys, refusing any missing or extra name."""
    state = {k: torch.from_numpy(v.copy()) for k, v in params.items()}
    net.load_state_dict(state, strict=True)
