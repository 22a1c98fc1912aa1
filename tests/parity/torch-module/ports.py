"""A small 1-D physics-style block written as ordinary PyTorch, and slightly wrong ports of it: the modules the
torch-module parity reference must tell apart from the graph (tests/parity/torch-module-reference.test.ts)."""
import torch
from torch import nn


class Block(nn.Module):
    """Circular Conv1d → LayerNorm → GELU → Linear: x [n, 2, 16] → [n, 2, 16]."""

    def __init__(self, eps=1e-5, padding_mode="circular", approximate="none"):
        super().__init__()
        self.conv = nn.Conv1d(2, 2, 3, padding=1, padding_mode=padding_mode)
        self.norm = nn.LayerNorm(16, eps=eps)
        self.act = nn.GELU(approximate=approximate)
        self.head = nn.Linear(16, 16)

    def forward(self, x):
        return self.head(self.act(self.norm(self.conv(x))))


class PaddedBlock(Block):
    """The same block with the circular padding written out, which torch 1.13 exports correctly (its export of
    Conv1d(padding_mode='circular') pads with the wrong columns)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(2, 2, 3, padding=0)

    def forward(self, x):
        x = torch.cat([x[..., -1:], x, x[..., :1]], -1)
        return self.head(self.act(self.norm(self.conv(x))))


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(16, 12)
        self.fc2 = nn.Linear(12, 16)

    def forward(self, x):
        return self.fc2(torch.tanh(self.fc1(x)))


def build():
    return Block()


def build_eps():
    return Block(eps=1e-6)


def build_zeros():
    return Block(padding_mode="zeros")


def build_tanh_gelu():
    return Block(approximate="tanh")


def build_mlp():
    return Mlp()


def build_extra():
    """A port with one layer more than the graph: its parameters cannot all be paired."""
    m = Block()
    m.extra = nn.Linear(16, 16)
    return m


def build_raises():
    width = 16
    raise ValueError(f"width {width} is not supported by this port")


def build_not_module():
    return {"conv": nn.Conv1d(2, 2, 3)}


class _GeluWrongBackward(torch.autograd.Function):
    """Exact GELU forward, with the derivative of the tanh approximation as its backward: a hand-written
    autograd.Function whose backward does not match its forward."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.nn.functional.gelu(x)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        with torch.enable_grad():
            xx = x.detach().requires_grad_(True)
            (d,) = torch.autograd.grad(torch.nn.functional.gelu(xx, approximate="tanh").sum(), xx)
        return g * d


class WrongBackwardGelu(nn.Module):
    def forward(self, x):
        return _GeluWrongBackward.apply(x)


def build_wrong_backward():
    m = Block()
    m.act = WrongBackwardGelu()
    return m


class RenamedBlock(Block):
    """A hand port whose last layer is called `out`, not `head`: paired only through a map's rename rule."""

    def __init__(self):
        super().__init__()
        self.out = self.head
        del self.head

    def forward(self, x):
        return self.out(self.act(self.norm(self.conv(x))))


def build_renamed():
    return RenamedBlock()


class BnBlock(nn.Module):
    """Conv1d → BatchNorm1d → tanh → Linear, with running statistics (buffers) the training step moves."""

    def __init__(self, momentum=0.1):
        super().__init__()
        self.conv = nn.Conv1d(2, 2, 3, padding=1)
        self.bn = nn.BatchNorm1d(2, momentum=momentum)
        self.head = nn.Linear(16, 16)

    def forward(self, x):
        return self.head(torch.tanh(self.bn(self.conv(x))))


def build_bn():
    return BnBlock()


def build_bn_momentum():
    return BnBlock(momentum=0.01)


class Inner(nn.Module):
    def __init__(self, eps=1e-5):
        super().__init__()
        self.lin = nn.Linear(16, 16, bias=False)  # no bias to swamp the features' variance, which eps is compared with
        self.norm = nn.LayerNorm(16, eps=eps)

    def forward(self, x):
        return x + torch.tanh(self.norm(self.lin(x)))


class Stack(nn.Module):
    """Nested submodules (blocks.0.lin, blocks.1.norm, …): the exporter scopes them /blocks/blocks.1/norm/."""

    def __init__(self, eps_last=1e-5):
        super().__init__()
        self.blocks = nn.Sequential(Inner(), Inner(eps=eps_last))

    def forward(self, x):
        return self.blocks(0.01 * x)


def build_stack():
    return Stack()


def build_stack_eps():
    return Stack(eps_last=1e-6)
