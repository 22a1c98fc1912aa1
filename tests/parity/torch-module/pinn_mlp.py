"""The PINN fixture's MLP (tests/backends/torch/program-fixtures.ts pinnProgram) written as ordinary PyTorch."""
from torch import nn


def build():
    return nn.Sequential(nn.Linear(2, 12), nn.Tanh(), nn.Linear(12, 12), nn.Tanh(), nn.Linear(12, 1))


def build_sigmoid():
    """A port with the wrong activation in the middle: the PDE residual's second derivatives differ."""
    return nn.Sequential(nn.Linear(2, 12), nn.Tanh(), nn.Linear(12, 12), nn.Sigmoid(), nn.Linear(12, 1))
