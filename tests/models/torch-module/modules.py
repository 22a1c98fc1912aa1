"""Factories for the torch-module model tests (torch-module.test.ts), one per behaviour under test."""
import torch
import torch.nn as nn


class Good(nn.Module):
    """Periodic padding written out, a buffer, a weight shared by two Linears, two all-zero biases."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 2, 3)
        self.register_buffer("grid", torch.linspace(0.0, 1.0, 8))
        self.layer = nn.Linear(8, 8)
        self.other = nn.Linear(8, 8)
        self.head = nn.Linear(8, 8)
        self.head.weight = self.layer.weight  # shared on purpose: one parameter
        nn.init.zeros_(self.layer.bias)      # equal values, not shared: two parameters
        nn.init.zeros_(self.other.bias)

    def forward(self, x):
        h = self.conv(torch.cat([x[..., -1:], x, x[..., :1]], dim=-1)) + self.grid
        h = torch.tanh(self.layer(h)) + self.other(h)
        return self.head(h).sum(dim=1)


class Circular(nn.Module):
    """torch 1.13 exports this Conv1d's circular padding as x[-3:-1] instead of x[-2:]."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, 5, padding=2, padding_mode="circular")

    def forward(self, x):
        return self.conv(x).squeeze(1)


class Spectral(nn.Module):
    def forward(self, x):
        return torch.fft.rfft(x.squeeze(1)).abs()


def good():
    return Good()


def circular():
    return Circular()


def raising():
    raise ValueError("width must be even")


def not_module():
    return {"conv": nn.Conv1d(1, 1, 3)}


def spectral():
    return Spectral()


class CircularStep(nn.Module):
    """A Burgers step model, u: (batch, x, 1), whose periodic padding is nn.Conv1d's own (exported wrongly)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 1, 3, padding=1, padding_mode="circular")

    def forward(self, u):
        return u + self.conv(u.permute(0, 2, 1)).permute(0, 2, 1)


def circular_step():
    return CircularStep()


class Dropped(nn.Module):
    """Dropout stays in a training-mode export; the fidelity check runs both sides without it."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 2, 3, padding=1)
        self.drop = nn.Dropout(0.5)

    def forward(self, x):
        return self.drop(self.conv(x)).sum(dim=1)


def dropped():
    return Dropped()


class Sorted(nn.Module):
    """Exports (TopK) but uses an op tandem has no gradient rule for."""

    def forward(self, x):
        return torch.topk(x.squeeze(1), 8).values


def sorted_values():
    return Sorted()


class TwoHeads(nn.Module):
    """Returns a dict: its keys name the outputs."""

    def __init__(self):
        super().__init__()
        self.mean = nn.Conv1d(1, 1, 1)
        self.spread = nn.Conv1d(1, 1, 1)

    def forward(self, x):
        return {"mean": self.mean(x).squeeze(1), "spread": torch.exp(self.spread(x)).squeeze(1)}


def two_heads():
    return TwoHeads()


class Normed(nn.Module):
    """BatchNorm in training mode: running statistics are buffers, updated by each step and never trained."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 3, padding=1)
        self.bn = nn.BatchNorm1d(4)
        self.head = nn.Conv1d(4, 1, 1)

    def forward(self, x):
        return self.head(torch.tanh(self.bn(self.conv(x)))).squeeze(1)


def normed():
    return Normed()


class Mismatched(nn.Module):
    """Built for 5 features, fed 8: its forward raises on the batch."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(5, 5)

    def forward(self, x):
        return self.lin(x.squeeze(1))


def mismatched():
    return Mismatched()


class Droppy(nn.Module):
    """A training-mode nn.Dropout(0.2): the module reference must drop exactly tandem's elements each step."""

    def __init__(self, p=0.2, own_dropout=False):
        super().__init__()
        self.lin = nn.Linear(8, 16)
        self.drop = nn.Dropout(p)
        self.out = nn.Linear(16, 8)
        self.own_dropout = own_dropout

    def forward(self, x):
        h = torch.tanh(self.lin(x.flatten(1)))
        # The mutation: torch's own random dropout, ignoring the nn.Dropout submodule (and so tandem's mask).
        h = nn.functional.dropout(h, self.drop.p, self.training) if self.own_dropout else self.drop(h)
        return self.out(h)


def droppy():
    return Droppy()


def droppy_other_p():
    return Droppy(p=0.5)


def droppy_random():
    return Droppy(own_dropout=True)


class DroppyRenamed(Droppy):
    """The same network with its nn.Dropout under another name: the graph's mask scope "drop" names no submodule."""

    def __init__(self):
        super().__init__()
        self.dropper = self.drop
        del self.drop

    def forward(self, x):
        return self.out(self.dropper(torch.tanh(self.lin(x.flatten(1)))))


def droppy_renamed():
    return DroppyRenamed()
