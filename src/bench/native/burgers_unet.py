"""conf/burgers.yaml natively: PhiML's u_net without batch norm (tandem's model `unet`, field_models.UNet: Conv1d,
max_pool1d, nearest interpolate), trained on the autoregressive rollout MSE averaged over the horizon (tandem's
`rollout_mse`)."""
import torch.nn.functional as F

from field_models import UNet


def build(spec, frames):
    m = spec["model"]
    if m["layout"].replace(" ", "") != "(x,vector)":
        raise SystemExit(f"native burgers: layout {m['layout']} is not (x, vector), the 1-D layout this module implements")
    channels = frames.shape[2]
    return UNet(1, channels, m.get("out_channels") or channels, m)


def prepare(batch, spec):
    # velocity (batch, time, x, vector) → the first horizon + 1 frames as (time, batch, vector, x): channels first.
    (term,) = spec["loss"].values()
    return batch[term["field"]].permute(1, 0, 3, 2)[: term["horizon"] + 1].contiguous()


def loss(net, frames):
    state, total = frames[0], 0
    for target in frames[1:]:
        state = net(state)
        total = total + F.mse_loss(state, target)
    return total / (len(frames) - 1)
