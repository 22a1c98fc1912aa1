"""Independent PyTorch modules equivalent to tandem's field models (convnet, resnet, unet, fno).

Written from torch's own layers (ConvNd with padding_mode, MaxPool, interpolate, torch.fft), NOT from tandem's
graph: what a PyTorch user would write. The state_dict keys are tandem's parameter names, so tandem's initial
weights load with strict=True. Used by the native workloads of `tandem bench train --workloads` and, through
tests/models/torch_models.py, by the model-equivalence tests. Each class takes (spatial dims d, in channels, out
channels, tandem's resolved model params).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

ACT = {"relu": F.relu, "gelu": F.gelu, "tanh": torch.tanh, "silu": F.silu, "sigmoid": torch.sigmoid, "sin": torch.sin, "softplus": F.softplus}


def conv(d, cin, cout, k, padding):
    cls = nn.Conv1d if d == 1 else nn.Conv2d
    return cls(cin, cout, k, padding=k // 2, padding_mode="circular" if padding == "periodic" else "zeros")


class ConvNet(nn.Module):
    def __init__(self, d, cin, cout, p):
        super().__init__()
        widths = [cin] + [p["width"]] * p["depth"]
        self.convs = nn.ModuleList([conv(d, a, b, p["kernel"], p["padding"]) for a, b in zip(widths, widths[1:])])
        self.convs.append(conv(d, p["width"], cout, p["kernel"], p["padding"]))
        self.act = ACT[p["activation"]]

    def forward(self, x):
        for c in self.convs[:-1]:
            x = self.act(c(x))
        return self.convs[-1](x)


class Block(nn.Module):
    def __init__(self, d, cin, cout, p):
        super().__init__()
        self.conv1 = conv(d, cin, cout, p["kernel"], p["padding"])
        self.conv2 = conv(d, cout, cout, p["kernel"], p["padding"])
        self.skip = conv(d, cin, cout, 1, "zeros") if cin != cout else None
        self.act = ACT[p["activation"]]

    def forward(self, x):
        y = self.conv2(self.act(self.conv1(x)))
        return self.act(y + (self.skip(x) if self.skip is not None else x))


class ResNet(nn.Module):
    def __init__(self, d, cin, cout, p):
        super().__init__()
        w = p["width"]
        self.lift = conv(d, cin, w, p["kernel"], p["padding"])
        self.blocks = nn.ModuleList([Block(d, w, w, p) for _ in range(p["blocks"])])
        self.head = conv(d, w, cout, 1, "zeros")
        self.act = ACT[p["activation"]]

    def forward(self, x):
        x = self.act(self.lift(x))
        for b in self.blocks:
            x = b(x)
        return self.head(x)


class DoubleConv(nn.Module):
    def __init__(self, d, cin, cout, p):
        super().__init__()
        self.conv1 = conv(d, cin, cout, p["kernel"], p["padding"])
        self.conv2 = conv(d, cout, cout, p["kernel"], p["padding"])
        self.act = ACT[p["activation"]]

    def forward(self, x):
        return self.act(self.conv2(self.act(self.conv1(x))))


class UNet(nn.Module):
    def __init__(self, d, cin, cout, p):
        super().__init__()
        w, L = p["width"], p["levels"]
        self.d = d
        self.inc = DoubleConv(d, cin, w, p)
        self.down = nn.ModuleList([DoubleConv(d, w, w, p) for _ in range(L - 1)])
        self.up = nn.ModuleList([DoubleConv(d, 2 * w, w, p) for _ in range(L - 1)])
        self.outc = conv(d, w, cout, 1, "zeros")

    def forward(self, x):
        pool = F.max_pool1d if self.d == 1 else F.max_pool2d
        skips = [self.inc(x)]
        for dn in self.down:
            skips.append(dn(pool(skips[-1], 2)))
        h = skips[-1]
        for i in reversed(range(len(self.up))):
            h = self.up[i](torch.cat([F.interpolate(h, scale_factor=2, mode="nearest"), skips[i]], dim=1))
        return self.outc(h)


class SpectralConv(nn.Module):
    """PhysicsNeMo-style SpectralConv1d/2d: real (re, im) weight pairs, rfftn → keep modes → irfftn."""

    def __init__(self, d, cin, cout, m):
        super().__init__()
        self.d, self.m = d, m
        shape = (cin, cout) + (m,) * d + (2,)
        self.weights1 = nn.Parameter(torch.zeros(shape))
        if d == 2:
            self.weights2 = nn.Parameter(torch.zeros(shape))

    def forward(self, x):
        m, n = self.m, x.shape[2:]
        w1 = torch.view_as_complex(self.weights1)
        if self.d == 1:
            X = torch.fft.rfft(x)
            out = torch.zeros(x.shape[0], w1.shape[1], X.shape[-1], dtype=X.dtype)
            out[..., :m] = torch.einsum("bix,iox->box", X[..., :m], w1)
            return torch.fft.irfft(out, n=n[0])
        X = torch.fft.rfft2(x)
        w2 = torch.view_as_complex(self.weights2)
        out = torch.zeros(x.shape[0], w1.shape[1], X.shape[-2], X.shape[-1], dtype=X.dtype)
        out[:, :, :m, :m] = torch.einsum("bixy,ioxy->boxy", X[:, :, :m, :m], w1)
        out[:, :, -m:, :m] = torch.einsum("bixy,ioxy->boxy", X[:, :, -m:, :m], w2)
        return torch.fft.irfft2(out, s=tuple(n))


class FourierLayer(nn.Module):
    def __init__(self, d, w, m):
        super().__init__()
        self.spectral = SpectralConv(d, w, w, m)
        self.skip = conv(d, w, w, 1, "zeros")


class FNO(nn.Module):
    def __init__(self, d, cin, cout, p):
        super().__init__()
        w = p["width"]
        self.p = p
        self.lift = conv(d, cin, w, 1, "zeros")
        self.fourier = nn.ModuleList([FourierLayer(d, w, p["modes"]) for _ in range(p["layers"])])
        self.decoder = nn.ModuleList([conv(d, w, p["decoder_width"], 1, "zeros"), conv(d, p["decoder_width"], cout, 1, "zeros")])

    def forward(self, x):
        n, pad = x.shape[2:], self.p["domain_padding"]
        h = self.lift(x)
        if pad:
            h = F.pad(h, [0, pad] * len(n))
        for k, layer in enumerate(self.fourier):
            h = layer.spectral(h) + layer.skip(h)
            if k < len(self.fourier) - 1:
                h = ACT[self.p["activation"]](h)
        if pad:
            h = h[(slice(None), slice(None)) + tuple(slice(0, s) for s in n)]
        h = ACT[self.p["decoder_activation"]](self.decoder[0](h))
        return self.decoder[1](h)


MODELS = {"convnet": ConvNet, "resnet": ResNet, "unet": UNet, "fno": FNO}
