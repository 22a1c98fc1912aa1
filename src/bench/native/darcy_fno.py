"""conf/darcy_fno.yaml natively: PhysicsNeMo's 2-D FNO (tandem's model `fno`): 1×1 Conv2d lifting, zero domain
padding, Fourier layers act(SpectralConv2d(h) + Conv2d₁ₓ₁(h)) with torch.fft.rfft2/irfft2 and complex weights, a
two-layer 1×1 projection; MSE against the pressure. The state_dict keys are tandem's parameter names."""
import torch
import torch.nn.functional as F
from torch import nn

from activations import activation, load_tandem_state


class SpectralConv2d(nn.Module):
    """PhysicsNeMo SpectralConv2d: weights (Cin, Cout, m, m, 2) as (re, im) pairs, rows 0…m−1 and −m…−1 along x."""

    def __init__(self, cin, cout, modes):
        super().__init__()
        self.modes = modes
        self.weights1 = nn.Parameter(torch.empty(cin, cout, modes, modes, 2))
        self.weights2 = nn.Parameter(torch.empty(cin, cout, modes, modes, 2))

    def forward(self, x):
        b, _, h, w = x.shape
        m = self.modes
        x_ft = torch.fft.rfft2(x)
        mix = lambda a, wt: torch.einsum("bixy,ioxy->boxy", a, torch.view_as_complex(wt))
        out_ft = torch.zeros(b, self.weights1.shape[1], h, w // 2 + 1, dtype=x_ft.dtype)
        out_ft[:, :, :m, :m] = mix(x_ft[:, :, :m, :m], self.weights1)
        out_ft[:, :, -m:, :m] = mix(x_ft[:, :, -m:, :m], self.weights2)
        return torch.fft.irfft2(out_ft, s=(h, w))


class Fno2d(nn.Module):
    def __init__(self, channels, out_channels, width, layers, modes, padding, act, decoder_width, decoder_act):
        super().__init__()
        self.padding = padding
        self.lift = nn.Conv2d(channels, width, 1)
        self.fourier = nn.ModuleList()
        for _ in range(layers):
            layer = nn.Module()
            layer.spectral = SpectralConv2d(width, width, modes)
            layer.skip = nn.Conv2d(width, width, 1)
            self.fourier.append(layer)
        self.act = activation(act)
        self.decoder = nn.ModuleList([nn.Conv2d(width, decoder_width, 1), nn.Conv2d(decoder_width, out_channels, 1)])
        self.decoder_act = activation(decoder_act)

    def forward(self, x):
        h, w = x.shape[2:]
        x = F.pad(self.lift(x), [0, self.padding, 0, self.padding])
        for k, layer in enumerate(self.fourier):
            x = layer.spectral(x) + layer.skip(x)
            if k < len(self.fourier) - 1:
                x = self.act(x)
        return self.decoder[1](self.decoder_act(self.decoder[0](x[:, :, :h, :w])))


def build(spec):
    m = spec["model"]
    if m["layout"].replace(" ", "") != "(channel,x,y)":
        raise SystemExit(f"native darcy_fno: layout {m['layout']} is not (channel, x, y), the 2-D layout this module implements")
    if m.get("out_channels") not in (None, 1):
        raise SystemExit("native darcy_fno: out_channels other than 1 is not implemented here")
    return Fno2d(1, 1, m["width"], m["layers"], m["modes"], m["domain_padding"], m["activation"], m["decoder_width"], m["decoder_activation"])


def load(net, params):
    load_tandem_state(net, params)


def prepare(batch, spec):
    (term,) = spec["loss"].values()
    return batch[spec["model"]["input"]], batch[term["target"]]


def loss(net, batch):
    permeability, pressure = batch
    return F.mse_loss(net(permeability), pressure)
