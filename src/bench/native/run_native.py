"""The native-PyTorch side of `tandem bench train --workloads` (Debian's /usr/bin/python3, torch 1.13).

Usage: run_native.py MANIFEST.json
The manifest names one workload module (a file beside this one, or a path) and an .npz holding tandem's initial
parameters under their own names and the step batches as `batch.<k>.<key>`. The module builds the model as a
PyTorch user writes it (nn.Module layers, torch.fft, torch.autograd.grad) from tandem's resolved settings, loads
those weights, and trains with the configured torch.optim optimizer (tandem's optimizer keys are its keyword
arguments) on the same batches in the same order. Prints one JSON object: the
median step time over the steps after the warm-up, and the loss of every step, so the caller can refuse a timing
whose arithmetic differs from tandem's.

A workload module provides:
  prepare(batch, spec)   -> prepared batch            batch: {data key: torch.Tensor}; done before timing
  build(spec, prepared)  -> nn.Module                 spec: the manifest's "model" and "loss" settings; the first
                                                      prepared batch gives the channel counts
  loss(net, prepared)    -> scalar torch.Tensor
and, when its state_dict differs from tandem's parameters by more than the names (nn.Linear's transposed weight):
  to_torch_state(params) -> {state_dict key: np.ndarray}   params: {tandem name: np.ndarray}
"""
import importlib.util
import json
import os
import statistics
import sys
import time

import numpy as np
import torch


def load_module(name):
    path = name if name.endswith(".py") else os.path.join(os.path.dirname(os.path.abspath(__file__)), name + ".py")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    manifest = json.load(open(sys.argv[1]))
    torch.set_num_threads(manifest["threads"])
    torch.manual_seed(0)
    workload = load_module(manifest["module"])
    arrays = np.load(manifest["npz"], allow_pickle=False)
    params = {k: arrays[k] for k in manifest["params"]}
    batches = []
    for k in range(manifest["steps"]):
        prefix = f"batch.{k}."
        batch = {n[len(prefix):]: torch.from_numpy(arrays[n]) for n in arrays.files if n.startswith(prefix)}
        batches.append(workload.prepare(batch, manifest["spec"]))

    net = workload.build(manifest["spec"], batches[0])
    state = workload.to_torch_state(params) if hasattr(workload, "to_torch_state") else params
    net.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in state.items()}, strict=True)
    settings = dict(manifest["optimizer"])
    name = settings.pop("name")
    opt = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD}[name](net.parameters(), **settings)
    losses, ms = [], []
    for k, batch in enumerate(batches):
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        loss = workload.loss(net, batch)
        loss.backward()
        if manifest["clip_grad_norm"] is not None:
            torch.nn.utils.clip_grad_norm_(net.parameters(), manifest["clip_grad_norm"])
        opt.step()
        elapsed = (time.perf_counter() - t0) * 1000
        losses.append(float(loss.detach()))
        if k >= manifest["warmup"]:
            ms.append(elapsed)
    print(json.dumps({"step_ms": statistics.median(ms), "losses": losses, "threads": torch.get_num_threads()}), flush=True)


if __name__ == "__main__":
    main()
