"""conf/darcy_fno.yaml natively: PhysicsNeMo's FNO (tandem's model `fno`, field_models.FNO: 1×1 Conv2d lifting, zero
domain padding, SpectralConv2d by torch.fft.rfft2/irfft2 with complex weights, a 1×1 projection), MSE against the
pressure."""
import torch.nn.functional as F

from field_models import FNO


def build(spec, batch):
    m = spec["model"]
    if m["layout"].replace(" ", "") != "(channel,x,y)":
        raise SystemExit(f"native darcy_fno: layout {m['layout']} is not (channel, x, y), the layout this module implements")
    x, _ = batch
    return FNO(x.dim() - 2, x.shape[1], m.get("out_channels") or x.shape[1], m)


def prepare(batch, spec):
    (term,) = spec["loss"].values()
    return batch[spec["model"]["input"]], batch[term["target"]]


def loss(net, batch):
    permeability, pressure = batch
    return F.mse_loss(net(permeability), pressure)
