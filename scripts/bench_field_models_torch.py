"""Torch side of scripts/bench-field-models.ts: the native module of tests/models/torch_models.py, loaded with
tandem's initial weights, trained with MSE + Adam on the same batch; prints the median and minimum step time and the first loss."""
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "models"))
from torch_models import MODELS  # noqa: E402

spec = json.load(open(sys.argv[1]))
torch.set_num_threads(spec["threads"])
data = np.load(spec["npz"])
x, target = torch.from_numpy(data["__input__"]), torch.from_numpy(data["__target__"])
module = MODELS[spec["model"]](x.dim() - 2, x.shape[1], spec["out_channels"], spec["params"])
module.load_state_dict({k: torch.from_numpy(data[k]) for k in data.files if not k.startswith("__")}, strict=True)
opt = torch.optim.Adam(module.parameters(), lr=spec["lr"])
times, first = [], None
for k in range(spec["steps"] + 2):
    t0 = time.perf_counter()
    opt.zero_grad()
    loss = torch.mean((module(x) - target) ** 2)
    loss.backward()
    opt.step()
    if k >= 2:
        times.append((time.perf_counter() - t0) * 1000)
    if k == 0:
        first = loss.item()
print(json.dumps({"step_ms": float(np.median(times)), "min_ms": min(times), "first_loss": first}))
