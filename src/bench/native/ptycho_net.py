"""conf/ptycho.yaml natively: the PtychoPINN encoder–decoder (tandem's model `ptycho`, gridsize 1) as Conv2d layers,
amplitude sigmoid and phase π·tanh heads, the far field |fft2(probe · object)|² fftshifted, and
nn.PoissonNLLLoss(log_input=False) against the counts. The state_dict keys are tandem's parameter names."""
import math

import torch
import torch.nn.functional as F
from torch import nn



class PtychoNet(nn.Module):
    def __init__(self, channels, filters, kernel):
        super().__init__()
        conv = lambda cin, cout: nn.Conv2d(cin, cout, kernel, padding=kernel // 2)
        f = filters
        self.encoder = nn.ModuleList([conv(channels, f), conv(f, f), conv(f, 2 * f), conv(2 * f, 2 * f)])
        self.decoder = nn.ModuleList([conv(2 * f, 2 * f), conv(2 * f, f)])
        self.amplitude_head = conv(f, channels)
        self.phase_head = conv(f, channels)

    def forward(self, x, probe):
        """x: diffraction amplitudes (B, C, N, N); probe: complex (N, N). Returns expected counts (B, C, N, N)."""
        h = F.relu(self.encoder[0](x))
        skip = F.relu(self.encoder[1](h))
        h = F.relu(self.encoder[2](F.max_pool2d(skip, 2)))
        h = F.relu(self.encoder[3](F.max_pool2d(h, 2)))
        h = F.relu(self.decoder[0](F.interpolate(h, scale_factor=2, mode="nearest")))
        h = F.relu(self.decoder[1](F.interpolate(h, scale_factor=2, mode="nearest"))) + skip
        amplitude = torch.sigmoid(self.amplitude_head(h))
        phase = math.pi * torch.tanh(self.phase_head(h))
        obj = torch.polar(amplitude, phase)
        spectrum = torch.fft.fft2(obj * probe)
        return torch.fft.fftshift(spectrum.real**2 + spectrum.imag**2, dim=(-2, -1))


def build(spec, batch):
    m = spec["model"]
    net = PtychoNet(1, m["filters"], m["kernel"])
    (term,) = spec["loss"].values()
    net.nll = nn.PoissonNLLLoss(log_input=False, full=False, eps=term["eps"])
    return net


def prepare(batch, spec):
    m = spec["model"]
    (term,) = spec["loss"].values()
    x = batch[m["input"]]
    if x.shape[-1] != 1:
        raise SystemExit(f"native ptycho: {x.shape[-1]} channels per group (gridsize > 1, the shared canvas) is not implemented here; gridsize 1 is")
    probe = torch.view_as_complex(batch[m["probe"]].contiguous())
    # (B, N, N, 1) → (B, 1, N, N), channels first for Conv2d.
    return x.permute(0, 3, 1, 2).contiguous(), probe, batch[term["target"]].permute(0, 3, 1, 2).contiguous()


def loss(net, batch):
    x, probe, counts = batch
    return net.nll(net(x, probe), counts)
