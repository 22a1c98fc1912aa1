"""The model-equivalence tests' harness around src/bench/native/field_models.py (tandem's field models in PyTorch).

Written from torch's own layers (ConvNd with padding_mode, MaxPool, interpolate, torch.fft), NOT from tandem's
graph, so agreement checks tandem's model plugins against what a PyTorch user would write. Usage:

    /usr/bin/python3 torch_models.py SPECS.json

SPECS is a list of {"model": name, "params": effective settings, "npz": file with parameters + "__input__" (channels-first),
"out": .npy path}. The state dict is loaded with strict=True, so names, shapes and counts must match exactly.
Prints [{"parameters": total count}, ...] and for each writes the float64 forward output to "out".
"""
import json
import os
import sys

import numpy as np
import torch

# The modules live with the native bench workloads; this file is the equivalence tests' harness around them.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "src", "bench", "native"))
from field_models import MODELS, SpectralConv  # noqa: E402,F401  (SpectralConv: spectral_dead_weights.py)


def run(spec):
    data = np.load(spec["npz"])
    x = torch.from_numpy(data["__input__"]).double()
    d = x.dim() - 2
    module = MODELS[spec["model"]](d, x.shape[1], spec["out_channels"], spec["params"]).double()
    state = {k: torch.from_numpy(data[k]).double() for k in data.files if k not in ("__input__", "__meta__")}
    module.load_state_dict(state, strict=True)
    with torch.no_grad():
        y = module(x)
    np.save(spec["out"], y.numpy())
    return sum(p.numel() for p in module.parameters())


def main():
    print(json.dumps([{"parameters": run(spec)} for spec in json.load(open(sys.argv[1]))]))


if __name__ == "__main__":
    main()
