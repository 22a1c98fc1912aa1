"""A one-step Burgers model written as ordinary PyTorch: a small 1-D U-Net on the periodic line.

u: (batch, x, 1), the velocity at one frame -> the velocity one frame later, as u + the U-Net's correction.
Periodic padding is written out with torch.cat: torch 1.13 exports nn.Conv1d(padding_mode='circular')
wrongly, and tandem's export-fidelity check would refuse it.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class PeriodicConv(nn.Module):
    """A Conv1d on a periodic grid: the input wraps around by kernel_size // 2 cells on each side."""

    def __init__(self, c_in, c_out, kernel_size=3):
        super().__init__()
        self.pad = kernel_size // 2
        self.conv = nn.Conv1d(c_in, c_out, kernel_size)

    def forward(self, h):
        p = self.pad
        return self.conv(torch.cat([h[..., -p:], h, h[..., :p]], dim=-1))


class BurgersUNet(nn.Module):
    def __init__(self, width=8):
        super().__init__()
        self.enc = PeriodicConv(1, width)
        self.down = PeriodicConv(width, 2 * width)
        self.up = nn.ConvTranspose1d(2 * width, width, kernel_size=2, stride=2)
        self.dec = PeriodicConv(2 * width, width)
        self.out = PeriodicConv(width, 1)

    def forward(self, u):
        h = u.permute(0, 2, 1)                        # (batch, 1, x)
        e = F.gelu(self.enc(h))                       # (batch, w, x)
        d = F.gelu(self.down(F.avg_pool1d(e, 2)))     # (batch, 2w, x/2)
        m = F.gelu(self.dec(torch.cat([e, self.up(d)], dim=1)))
        return u + self.out(m).permute(0, 2, 1)


def build():
    return BurgersUNet()
