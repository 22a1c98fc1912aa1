"""conf/burgers.yaml natively: PhiML's u_net without batch norm (tandem's model `unet`) as Conv1d/MaxPool1d/Upsample
layers, trained on the autoregressive rollout MSE averaged over the horizon (tandem's `rollout_mse`).
The state_dict keys are tandem's parameter names (inc.conv1.weight, down.0.conv2.bias, outc.weight, …)."""
import torch
import torch.nn.functional as F
from torch import nn

from activations import activation, load_tandem_state


class DoubleConv(nn.Module):
    def __init__(self, cin, cout, kernel, padding_mode, act):
        super().__init__()
        self.conv1 = nn.Conv1d(cin, cout, kernel, padding=kernel // 2, padding_mode=padding_mode)
        self.conv2 = nn.Conv1d(cout, cout, kernel, padding=kernel // 2, padding_mode=padding_mode)
        self.act = activation(act)

    def forward(self, x):
        return self.act(self.conv2(self.act(self.conv1(x))))


class UNet1d(nn.Module):
    def __init__(self, channels, levels, width, kernel, padding, act):
        super().__init__()
        mode = {"periodic": "circular", "zeros": "zeros"}[padding]
        self.inc = DoubleConv(channels, width, kernel, mode, act)
        self.down = nn.ModuleList([DoubleConv(width, width, kernel, mode, act) for _ in range(levels - 1)])
        self.up = nn.ModuleList([DoubleConv(2 * width, width, kernel, mode, act) for _ in range(levels - 1)])
        self.outc = nn.Conv1d(width, channels, 1)

    def forward(self, x):
        skips = [self.inc(x)]
        for down in self.down:
            skips.append(down(F.max_pool1d(skips[-1], 2)))
        h = skips[-1]
        for i in reversed(range(len(self.up))):
            h = self.up[i](torch.cat([F.interpolate(h, scale_factor=2, mode="nearest"), skips[i]], dim=1))
        return self.outc(h)


def build(spec):
    m = spec["model"]
    if m["layout"].replace(" ", "") != "(x,vector)":
        raise SystemExit(f"native burgers: layout {m['layout']} is not (x, vector), the 1-D layout this module implements")
    return UNet1d(1, m["levels"], m["width"], m["kernel"], m["padding"], m["activation"])


def load(net, params):
    load_tandem_state(net, params)


def prepare(batch, spec):
    # velocity (batch, time, x, vector) → the first horizon + 1 frames as (time, batch, vector, x): channels first.
    (term,) = spec["loss"].values()
    return batch["velocity"].permute(1, 0, 3, 2)[: term["horizon"] + 1].contiguous()


def loss(net, frames):
    state, total = frames[0], 0
    for target in frames[1:]:
        state = net(state)
        total = total + F.mse_loss(state, target)
    return total / (len(frames) - 1)
