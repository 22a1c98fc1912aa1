"""A Darcy-flow surrogate written as ordinary PyTorch: a small 2-D U-Net from permeability to pressure.

permeability: (batch, 1, x, y) -> darcy: (batch, 1, x, y). Zero padding suits the problem: the pressure is
zero on the walls of the unit square.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, c_in, c_out):
        super().__init__()
        self.conv1 = nn.Conv2d(c_in, c_out, 3, padding=1)
        self.conv2 = nn.Conv2d(c_out, c_out, 3, padding=1)

    def forward(self, h):
        return F.gelu(self.conv2(F.gelu(self.conv1(h))))


class DarcyUNet(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.enc = Block(1, width)
        self.mid = Block(width, 2 * width)
        self.up = nn.ConvTranspose2d(2 * width, width, kernel_size=2, stride=2)
        self.dec = Block(2 * width, width)
        self.head = nn.Conv2d(width, 1, 1)

    def forward(self, permeability):
        e = self.enc(permeability)
        m = self.mid(F.avg_pool2d(e, 2))
        return self.head(self.dec(torch.cat([e, self.up(m)], dim=1)))


def build():
    return DarcyUNet()
